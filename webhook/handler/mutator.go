package handler

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/webhook/decode"
	"github.com/tenantguard/tenantguard/webhook/defaults"
	"github.com/tenantguard/tenantguard/webhook/respond"
)

// Mutator is the mutating webhook: it fills in an object's defaults and answers
// with a JSON patch of what it added.
type Mutator struct{}

var _ admission.Handler = &Mutator{}

// Handle decodes the request and patches in the defaults of an Application.
func (m *Mutator) Handle(ctx context.Context, req admission.Request) admission.Response {
	review, err := decode.Request(req)
	if err != nil {
		return respond.Malformed(err)
	}
	if review.Kind != decode.KindApplication || review.Object == nil {
		return admission.Allowed("")
	}
	changes := defaults.Application(review.Object)
	if len(changes) == 0 {
		return admission.Allowed("")
	}
	log.FromContext(ctx).V(1).Info("defaulted", "uid", review.UID, "kind", review.Kind,
		"object", review.Namespace+"/"+review.Name, "changes", changes)
	return respond.Patch(req.Object.Raw, review.Object)
}
