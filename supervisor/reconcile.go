package supervisor

import (
	"context"
	"errors"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/clusterconfig"
)

// waitAgain is how soon a Tenant is looked at again while an object it needs
// is being deleted; the object's own deletion event usually comes first.
const waitAgain = 5 * time.Second

var _ reconcile.Reconciler = &Supervisor{}

// Reconcile brings the objects of one Tenant to what it declares, in order:
// the Namespace, the AppProject, the Application; each waits for the one
// before it. The Tenant's status reports the outcome of each.
func (s *Supervisor) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	var t tenantv1.Tenant
	if err := s.client.Get(ctx, req.NamespacedName, &t); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	cfg := s.config()
	if t.DeletionTimestamp != nil {
		return s.finalize(ctx, &t, cfg)
	}
	if err := s.addFinalizer(ctx, &t); err != nil {
		return reconcile.Result{}, err
	}
	o, err := s.apply(ctx, &t, factsOf(&t, cfg), cfg)
	if reportErr := s.report(ctx, &t, o); reportErr != nil {
		err = errors.Join(err, reportErr)
	}
	if err != nil {
		return reconcile.Result{}, err
	}
	if waiting(o.conditions) {
		return reconcile.Result{RequeueAfter: waitAgain}, nil
	}
	return reconcile.Result{}, nil
}

// apply runs the steps and gathers their conditions, Ready first. An error
// is returned for what may succeed when tried again.
func (s *Supervisor) apply(ctx context.Context, t *tenantv1.Tenant, f facts, cfg *clusterconfig.ClusterConfig) (observed, error) {
	namespace, nsErr := s.reconcileNamespace(ctx, t, f, cfg)
	var project, application metav1.Condition
	var app *unstructured.Unstructured
	var projectErr, appErr error
	switch {
	case namespace.Status != metav1.ConditionTrue:
		project = isFalse(tenantv1.ConditionProjectReady, ReasonWaitingForNamespace, "waiting for namespace %s (%s)", f.namespace, namespace.Reason)
		application = isFalse(tenantv1.ConditionApplicationReady, ReasonWaitingForNamespace, "waiting for namespace %s (%s)", f.namespace, namespace.Reason)
	default:
		project, projectErr = s.reconcileProject(ctx, t, f, cfg)
		if project.Status != metav1.ConditionTrue {
			application = isFalse(tenantv1.ConditionApplicationReady, ReasonWaitingForProject, "waiting for AppProject %s/%s (%s)", f.argocd, f.project, project.Reason)
			break
		}
		app, application, appErr = s.reconcileApplication(ctx, t, f, cfg)
	}
	conditions := []metav1.Condition{namespace, project, application}
	return observed{
		conditions: append([]metav1.Condition{readiness(conditions)}, conditions...),
		facts:      f,
		app:        app,
	}, errors.Join(nsErr, projectErr, appErr)
}

// waiting reports whether a condition waits for an object to be gone.
func waiting(conditions []metav1.Condition) bool {
	for _, c := range conditions {
		if c.Reason == ReasonDeleting {
			return true
		}
	}
	return false
}
