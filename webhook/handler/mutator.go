package handler

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/webhook/respond"
)

// Mutator is the mutating webhook: it fills in an object's defaults and answers
// with a JSON patch of what it added.
type Mutator struct {
	// Tenants finds an Application's Tenant. Without it, Applications get only
	// the defaults that need no Tenant.
	Tenants Lookup
	// State holds the cluster config being served.
	State State
}

var _ admission.Handler = &Mutator{}

// Handle decodes the request and patches in the defaults of an Application or a Tenant.
func (m *Mutator) Handle(ctx context.Context, req admission.Request) admission.Response {
	snapshot := m.State.Get()
	review, err := decode.Request(req, snapshot.Config.Limits)
	if err != nil {
		return respond.Malformed(err)
	}
	p := &pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine, Tenants: m.Tenants}
	changes, err := p.Mutate(ctx, review)
	if err != nil {
		return respond.Failed("defaulting", err)
	}
	if len(changes) == 0 {
		return admission.Allowed("")
	}
	log.FromContext(ctx).V(1).Info("defaulted", "uid", review.UID, "kind", review.Kind,
		"object", review.Namespace+"/"+review.Name, "changes", changes)
	return respond.Patch(review.Object, changes)
}
