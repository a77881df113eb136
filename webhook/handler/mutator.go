package handler

import (
	"context"
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/webhook/decode"
	"github.com/tenantguard/tenantguard/webhook/defaults"
	"github.com/tenantguard/tenantguard/webhook/reload"
	"github.com/tenantguard/tenantguard/webhook/respond"
	"github.com/tenantguard/tenantguard/webhook/tenantctx"
)

// Mutator is the mutating webhook: it fills in an object's defaults and answers
// with a JSON patch of what it added.
type Mutator struct {
	// Tenants finds an Application's Tenant. Without it, Applications get only
	// the defaults that need no Tenant.
	Tenants *tenantctx.Finder
	// State holds the cluster config being served.
	State *reload.Current
}

var _ admission.Handler = &Mutator{}

// Handle decodes the request and patches in the defaults of an Application or a Tenant.
func (m *Mutator) Handle(ctx context.Context, req admission.Request) admission.Response {
	snapshot := m.State.Get()
	review, err := decode.Request(req, snapshot.Config.Limits)
	if err != nil {
		return respond.Malformed(err)
	}
	cfg := snapshot.Config
	if review.Object == nil || review.Deleting() || review.OnlyStatusChanged() ||
		slices.Contains(cfg.ExcludedNamespaces, review.Namespace) {
		return admission.Allowed("")
	}
	var changes []defaults.Change
	switch review.Kind {
	case decode.KindApplication:
		tenant, err := tenantOf(ctx, m.Tenants, review)
		if err != nil {
			return respond.Failed("finding the Application's Tenant", err)
		}
		changes = defaults.Application(review.Object, tenant, cfg)
	case decode.KindTenant:
		changes = defaults.Tenant(review.Object, cfg)
	}
	if len(changes) == 0 {
		return admission.Allowed("")
	}
	log.FromContext(ctx).V(1).Info("defaulted", "uid", review.UID, "kind", review.Kind,
		"object", review.Namespace+"/"+review.Name, "changes", changes)
	return respond.Patch(req.Object.Raw, review.Object)
}

// tenantOf finds the Tenant of the Application under review; nil for other kinds or without a finder.
func tenantOf(ctx context.Context, finder *tenantctx.Finder, review *decode.Review) (map[string]any, error) {
	obj := review.Object
	if obj == nil {
		obj = review.OldObject
	}
	if finder == nil || review.Kind != decode.KindApplication || obj == nil {
		return nil, nil
	}
	return finder.ForApplication(ctx, obj)
}
