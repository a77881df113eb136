package supervisor

import (
	"context"
	"time"

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
	"github.com/tenantguard/tenantguard/clusterconfig"
)

// configPoll is how often the supervisor looks for a reloaded cluster config.
const configPoll = 2 * time.Second

// watch registers the controller: a Tenant is reconciled when its spec
// changes or its deletion starts, when anything it owns changes (drift, and
// Argo CD's status for the sync and health mirrored), when a PolicyException
// that may hold its Application changes, and when the cluster config is
// reloaded. The status the supervisor writes does not trigger it.
func (s *Supervisor) watch(mgr manager.Manager, opts Options) error {
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
	return mgr.Add(&configWatch{reader: mgr.GetCache(), config: s.config, out: reloads})
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

// configWatch sends every Tenant to the controller when the cluster config
// being served changes, so that a reloaded config (a platform repository set,
// notifications added) reaches every tenant. It runs on the leader only, as
// the controller does.
type configWatch struct {
	reader client.Reader
	config func() *clusterconfig.ClusterConfig
	out    chan<- event.TypedGenericEvent[*tenantv1.Tenant]
}

// Start polls the served config until ctx ends.
func (w *configWatch) Start(ctx context.Context) error {
	last := w.config()
	ticker := time.NewTicker(configPoll)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		if current := w.config(); current != last {
			last = current
			w.sendAll(ctx)
		}
	}
}

func (w *configWatch) sendAll(ctx context.Context) {
	var tenants tenantv1.TenantList
	if err := w.reader.List(ctx, &tenants); err != nil {
		return // the next reload, or the Tenants' own events, reach them
	}
	for i := range tenants.Items {
		select {
		case w.out <- event.TypedGenericEvent[*tenantv1.Tenant]{Object: &tenants.Items[i]}:
		case <-ctx.Done():
			return
		}
	}
}
