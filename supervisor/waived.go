package supervisor

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/policy"
)

// Judge asks the rules about an Application as it is stored, as an update
// by the supervisor that changes nothing: the served pipeline, with the
// cluster's Tenants and PolicyExceptions at the current time.
type Judge func(ctx context.Context, app map[string]any) (policy.Findings, error)

// pinnedRevisionRule is the rule whose waiver lets a tenant's Application
// track a commit instead of the Tenant's revision (docs/exceptions.md).
const pinnedRevisionRule = "app-pinned-revision"

// revisionField is where the Application the supervisor writes names its revision.
const revisionField = "spec.source.targetRevision"

// keepWaivedRevision gives desired the revision the live Application tracks
// when a PolicyException in force waives app-pinned-revision for it: during
// an incident an approver may hold one tenant on a known-good commit, and
// the supervisor must not undo that within a second. The rules decide, as
// for any write; once the exception expires or is deleted (both reconcile
// the Tenant, see exceptionTenants), the Tenant's revision is applied again.
func (s *Supervisor) keepWaivedRevision(ctx context.Context, live, desired *unstructured.Unstructured) error {
	if s.judge == nil || desired.GroupVersionKind() != applicationGVK {
		return nil
	}
	revision, found, _ := unstructured.NestedString(live.Object, "spec", "source", "targetRevision")
	wanted, _, _ := unstructured.NestedString(desired.Object, "spec", "source", "targetRevision")
	if !found || revision == wanted {
		return nil
	}
	findings, err := s.judge(ctx, live.Object)
	if err != nil {
		return fmt.Errorf("judging Application %s/%s: %w", live.GetNamespace(), live.GetName(), err)
	}
	if !onlyWaived(findings, pinnedRevisionRule, revisionField) {
		return nil
	}
	return unstructured.SetNestedField(desired.Object, revision, "spec", "source", "targetRevision")
}

// onlyWaived reports whether the findings of rule on field are waived, at
// least one of them and every one.
func onlyWaived(findings policy.Findings, rule, field string) bool {
	waived := false
	for _, f := range findings {
		if f.Rule != rule || f.Field != field {
			continue
		}
		if f.WaivedBy == nil {
			return false
		}
		waived = true
	}
	return waived
}

// exceptionTenants maps a PolicyException of Applications to the Tenants
// whose Application it may select: the Tenant it names, or those whose
// Application has one of its names. A change of the exception (made,
// expired, deleted) then reaches the Applications it holds or releases.
func (s *Supervisor) exceptionTenants(ctx context.Context, obj client.Object) []reconcile.Request {
	e, ok := obj.(*tenantv1.PolicyException)
	if !ok || e.Spec.Match.Kind != "Application" {
		return nil
	}
	if e.Spec.Match.Tenant != "" {
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: e.Spec.Match.Tenant}}}
	}
	var tenants tenantv1.TenantList
	if err := s.client.List(ctx, &tenants); err != nil {
		return nil
	}
	cfg := s.config()
	var out []reconcile.Request
	for i := range tenants.Items {
		f := factsOf(&tenants.Items[i], cfg)
		for _, name := range e.Spec.Match.Names {
			if name == f.application && (e.Spec.Match.Namespace == "" || e.Spec.Match.Namespace == f.argocd) {
				out = append(out, reconcile.Request{NamespacedName: client.ObjectKey{Name: tenants.Items[i].Name}})
			}
		}
	}
	return out
}
