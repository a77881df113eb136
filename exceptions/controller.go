package exceptions

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
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
	"github.com/tenantguard/tenantguard/engine/live"
)

// ControllerName names the controller in logs and in controller-runtime's
// reconcile metrics (controller="policyexception").
const ControllerName = "policyexception"

// Options configure the exception controller.
type Options struct {
	// Clock is the time exceptions expire by, and the clock of the
	// controller's queue, so that a requeue at the expiry comes when the
	// clock reaches it. The wall clock when nil; tests set a fake one and
	// step it.
	Clock clock.WithTicker
}

// Reconciler keeps each PolicyException's status.state and Expired
// condition, and deletes an expired one when the cluster config says after
// how long.
type Reconciler struct {
	// Client reads the exceptions from the manager's cache and writes their
	// status and deletions to the API server.
	Client client.Client
	// Config is the cluster config being served, read at every reconcile.
	Config func() *clusterconfig.ClusterConfig
	// Clock is the time exceptions are judged at.
	Clock clock.PassiveClock
	// Log logs deletions.
	Log logr.Logger
}

var _ reconcile.Reconciler = &Reconciler{}

// Setup adds the exception controller to mgr, on the elected leader. state
// is the snapshot being served: after each reload every exception is
// reconciled again, so that a changed exceptions.deleteExpiredAfter applies
// to those already expired. The manager's cache must watch PolicyExceptions.
func Setup(mgr manager.Manager, state *live.Current, opts Options) error {
	clk := opts.Clock
	if clk == nil {
		clk = clock.RealClock{}
	}
	r := &Reconciler{
		Client: mgr.GetClient(), Config: func() *clusterconfig.ClusterConfig { return state.Get().Config },
		Clock: clk, Log: mgr.GetLogger().WithName("exceptions"),
	}
	reloads := make(chan event.TypedGenericEvent[*tenantv1.PolicyException])
	err := builder.ControllerManagedBy(mgr).
		Named(ControllerName).
		// Only spec changes, creations and deletions: the status this
		// controller writes does not bring an exception back.
		For(&tenantv1.PolicyException{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{NewQueue: queueOn(clk)}).
		WatchesRawSource(source.Channel(reloads, &handler.TypedEnqueueRequestForObject[*tenantv1.PolicyException]{})).
		Complete(r)
	if err != nil {
		return fmt.Errorf("setting up the exception controller: %w", err)
	}
	// After a reload, a changed exceptions.deleteExpiredAfter must reach the
	// exceptions already expired, which nothing else brings back.
	resend := live.NewResend(state, mgr.GetCache(), func() client.ObjectList { return &tenantv1.PolicyExceptionList{} }, reloads)
	if err := mgr.Add(resend); err != nil {
		return fmt.Errorf("setting up the exception controller: %w", err)
	}
	return nil
}

// queueOn builds the controller's queue on clk: a requeue after a duration
// is due when clk has moved by it, so that a test's fake clock, stepped
// past an expiry, brings the reconcile the wall clock would.
func queueOn(clk clock.WithTicker) func(string, workqueue.TypedRateLimiter[reconcile.Request]) workqueue.TypedRateLimitingInterface[reconcile.Request] {
	return func(name string, limiter workqueue.TypedRateLimiter[reconcile.Request]) workqueue.TypedRateLimitingInterface[reconcile.Request] {
		return workqueue.NewTypedRateLimitingQueueWithConfig(limiter, workqueue.TypedRateLimitingQueueConfig[reconcile.Request]{
			Name: name, Clock: clk,
		})
	}
}

// Reconcile writes the exception's status for now and returns when to look
// again: at its expiry while it is active, when it is due for deletion once
// expired, never for an exception that is kept.
func (r *Reconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	var e tenantv1.PolicyException
	if err := r.Client.Get(ctx, req.NamespacedName, &e); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if !e.DeletionTimestamp.IsZero() {
		return reconcile.Result{}, nil
	}
	now := r.Clock.Now()
	if err := r.writeStatus(ctx, &e, now); err != nil {
		return reconcile.Result{}, err
	}
	if !Expired(&e, now) {
		return reconcile.Result{RequeueAfter: e.Spec.Expires.Sub(now)}, nil
	}
	return r.deleteWhenDue(ctx, &e, now)
}

// writeStatus writes e's state and condition by a merge patch of the status
// subresource, when they changed.
func (r *Reconciler) writeStatus(ctx context.Context, e *tenantv1.PolicyException, now time.Time) error {
	before := e.DeepCopy()
	if !setStatus(e, now) {
		return nil
	}
	if err := r.Client.Status().Patch(ctx, e, client.MergeFrom(before)); err != nil {
		return client.IgnoreNotFound(fmt.Errorf("writing the status of PolicyException %s: %w", e.Name, err))
	}
	return nil
}

// deleteWhenDue deletes an expired exception exceptions.deleteExpiredAfter
// after its expiry, or asks to be called again then; with 0, the default, it
// keeps the exception as the record of what was waived. An exception without
// an expiry has no instant to count from, and is kept.
func (r *Reconciler) deleteWhenDue(ctx context.Context, e *tenantv1.PolicyException, now time.Time) (reconcile.Result, error) {
	after := r.Config().Exceptions.DeleteExpiredAfter.Duration
	if after <= 0 || e.Spec.Expires == nil {
		return reconcile.Result{}, nil
	}
	due := e.Spec.Expires.Add(after)
	if now.Before(due) {
		return reconcile.Result{RequeueAfter: due.Sub(now)}, nil
	}
	// The UID precondition spares an exception of the same name written
	// since this one was read.
	err := r.Client.Delete(ctx, e, client.Preconditions{UID: &e.UID})
	if client.IgnoreNotFound(err) != nil {
		return reconcile.Result{}, fmt.Errorf("deleting PolicyException %s, expired at %s (exceptions.deleteExpiredAfter %s): %w", e.Name, expiry(e), after, err)
	}
	r.Log.Info("deleted an expired PolicyException", "name", e.Name, "expired", expiry(e), "deleteExpiredAfter", after.String())
	return reconcile.Result{}, nil
}
