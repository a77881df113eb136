package supervisor

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/clusterconfig"
)

// addFinalizer puts the supervisor's finalizer on the Tenant before anything
// is made for it, so that nothing outlives it. A production Tenant is still
// deleted only with tenantguard.io/allow-delete: the validating webhook
// refuses the deletion before the finalizer is reached.
func (s *Supervisor) addFinalizer(ctx context.Context, t *tenantv1.Tenant) error {
	if controllerutil.ContainsFinalizer(t, tenantv1.Finalizer) {
		return nil
	}
	before := t.DeepCopy()
	controllerutil.AddFinalizer(t, tenantv1.Finalizer)
	if err := s.client.Patch(ctx, t, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); err != nil {
		return fmt.Errorf("adding the finalizer to Tenant %s: %w", t.Name, err)
	}
	return nil
}

// deletionStep is one object deleted when its Tenant is; wait holds the
// next steps until it is gone.
type deletionStep struct {
	gvk  schema.GroupVersionKind
	key  client.ObjectKey
	wait bool
	// after is what the Event says follows the deletion.
	after string
}

// deletionSteps are in order: the Application first, whose resources
// finalizer lets Argo CD prune what it deployed, and only once it is gone the
// AppProject, then the Namespace (with the quota, limits and policy in it).
// The namespace controller empties and removes the Namespace; nothing waits
// for it.
func deletionSteps(f facts) []deletionStep {
	return []deletionStep{
		{applicationGVK, client.ObjectKey{Namespace: f.argocd, Name: f.application}, true, "waiting for Argo CD to prune its resources"},
		{appProjectGVK, client.ObjectKey{Namespace: f.argocd, Name: f.project}, true, "waiting until it is gone"},
		{namespaceGVK, client.ObjectKey{Name: f.namespace}, false, "the namespace controller removes what it holds"},
	}
}

// finalize deletes what the supervisor made for a Tenant being deleted,
// only what the Tenant owns, then lets the Tenant go.
func (s *Supervisor) finalize(ctx context.Context, t *tenantv1.Tenant, cfg *clusterconfig.ClusterConfig) (reconcile.Result, error) {
	if !controllerutil.ContainsFinalizer(t, tenantv1.Finalizer) {
		return reconcile.Result{}, nil
	}
	f := factsOf(t, cfg)
	for _, step := range deletionSteps(f) {
		what := step.gvk.Kind + " " + describe(step.key)
		issued, present, err := s.remove(ctx, t, step.gvk, step.key)
		if err != nil {
			return reconcile.Result{}, err
		}
		if issued {
			// One action per kind: Events of the same reason and action on
			// one Tenant would be folded into a series.
			s.events.Eventf(t, nil, corev1.EventTypeNormal, ReasonDeleting, "Delete"+step.gvk.Kind, "deleted %s; %s", what, step.after)
		}
		if present && step.wait {
			return reconcile.Result{RequeueAfter: waitAgain}, s.reportDeleting(ctx, t, f, "waiting until "+what+" is gone")
		}
	}
	before := t.DeepCopy()
	controllerutil.RemoveFinalizer(t, tenantv1.Finalizer)
	err := s.client.Patch(ctx, t, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
	if apierrors.IsConflict(err) {
		// The cache had not yet seen the Deleting status just written: not a
		// failure, only a stale read, so it is read again without an error logged.
		return reconcile.Result{RequeueAfter: rereadAfter}, nil
	}
	return reconcile.Result{}, client.IgnoreNotFound(err)
}

// rereadAfter is how soon a Tenant whose write met a newer version is read
// again from the cache, which by then has usually seen that version.
const rereadAfter = 100 * time.Millisecond

// reportDeleting says on Ready what the deletion waits for.
func (s *Supervisor) reportDeleting(ctx context.Context, t *tenantv1.Tenant, f facts, message string) error {
	return s.report(ctx, t, observed{
		conditions: []metav1.Condition{isFalse(tenantv1.ConditionReady, ReasonDeleting, "the Tenant is being deleted: %s", message)},
		facts:      f,
	})
}
