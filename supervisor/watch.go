package supervisor

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/live"
)

// watch registers the controller: a Tenant is reconciled when its spec
// changes or its deletion starts, when anything it owns changes (drift, and
// Argo CD's status for the sync and health mirrored), when a PolicyException
// that may hold its Application changes, and when the cluster config is
// reloaded. The status the supervisor writes does not trigger it.
func (s *Supervisor) watch(mgr manager.Manager, state *live.Current, opts Options) error {
	reloads := make(chan event.TypedGenericEvent[*tenantv1.Tenant])
	b := builder.ControllerManagedBy(mgr).
		Named(ControllerName).
		For(&tenantv1.Tenant{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, deletionStarted()))).
		WithOptions(controller.Options{MaxConcurrentReconciles: opts.Workers}).
		WatchesRawSource(source.Channel(reloads, &handler.TypedEnqueueRequestForObject[*tenantv1.Tenant]{}))
	for _, gvk := range ownedKinds {
		b = b.Watches(cachedObject(gvk), handler.EnqueueRequestsFromMapFunc(toTenant))
	}
	if s.judge != nil {
		b = b.Watches(&tenantv1.PolicyException{}, handler.EnqueueRequestsFromMapFunc(s.exceptionTenants))
	}
	if err := b.Complete(s); err != nil {
		return err
	}
	return mgr.Add(live.NewResend(state, mgr.GetCache(), func() client.ObjectList { return &tenantv1.TenantList{} }, reloads))
}

// toTenant maps an object the supervisor wrote to its Tenant: the one its
// controller reference names, else the one its tenant label names.
func toTenant(_ context.Context, obj client.Object) []reconcile.Request {
	name := owner(obj)
	if name == "" {
		name = obj.GetLabels()[tenantv1.TenantLabel]
	}
	if name == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: name}}}
}

// deletionStarted passes the update that sets a Tenant's deletion timestamp.
func deletionStarted() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		return e.ObjectOld.GetDeletionTimestamp() == nil && e.ObjectNew.GetDeletionTimestamp() != nil
	}}
}
