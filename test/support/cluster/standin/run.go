package standin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// Options say what the stand-ins act on and where they say what they did.
type Options struct {
	// Selector limits both stand-ins to the Applications and Namespaces whose
	// labels it matches, so that a test can leave the others to its own
	// timing. All of them when nil.
	Selector labels.Selector
	// Report is called with a line for each Application released and each
	// Namespace finalized. Nothing is reported when nil.
	Report func(line string)
}

// recheck is how soon a terminating Namespace is looked at again while
// objects in it are still going.
const recheck = 250 * time.Millisecond

// Start runs both stand-ins as controllers of a manager of their own,
// reaching the API server with cfg (an administrator's: Argo CD and the
// namespace controller have their own wide permissions in a cluster). They
// run until ctx is done; done then receives the manager's result.
func Start(ctx context.Context, cfg *rest.Config, opts Options) (done <-chan error, err error) {
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 clientgoscheme.Scheme,
		Logger:                 ctrl.Log.WithName("standin"),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  cache.Options{DefaultLabelSelector: opts.Selector},
		// A test process may start the stand-ins more than once.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return nil, fmt.Errorf("stand-ins: %w", err)
	}
	if err := setup(mgr, cfg, opts.report); err != nil {
		return nil, fmt.Errorf("stand-ins: %w", err)
	}
	result := make(chan error, 1)
	go func() { result <- mgr.Start(ctx) }()
	select {
	case <-mgr.Elected():
		return result, nil
	case err := <-result:
		return nil, errors.Join(errors.New("stand-ins stopped while starting"), err)
	}
}

func (o Options) report(format string, args ...any) {
	if o.Report != nil {
		o.Report(fmt.Sprintf(format, args...))
	}
}

// deleting passes only events of objects being deleted.
var deleting = builder.WithPredicates(predicate.NewPredicateFuncs(func(o client.Object) bool {
	return o.GetDeletionTimestamp() != nil
}))

// setup adds the two stand-ins to mgr as controllers.
func setup(mgr manager.Manager, cfg *rest.Config, report func(string, ...any)) error {
	if err := setupArgoCD(mgr, report); err != nil {
		return err
	}
	namespaces, err := NewNamespaceController(cfg)
	if err != nil {
		return err
	}
	return setupNamespaceController(mgr, namespaces, report)
}

// setupArgoCD releases each Application being deleted.
func setupArgoCD(mgr manager.Manager, report func(string, ...any)) error {
	app := &unstructured.Unstructured{}
	app.SetGroupVersionKind(ApplicationGVK)
	release := reconcile.Func(func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
		released, err := ReleaseApplication(ctx, mgr.GetClient(), req.NamespacedName)
		if released {
			report("Argo CD (stand-in) released Application %s: nothing was deployed, so nothing to prune", req.NamespacedName)
		}
		return reconcile.Result{}, err
	})
	return ctrl.NewControllerManagedBy(mgr).Named("standin-argocd").For(app, deleting).Complete(release)
}

// setupNamespaceController finalizes each terminating Namespace, looking
// again while objects in it are still going.
func setupNamespaceController(mgr manager.Manager, namespaces *NamespaceController, report func(string, ...any)) error {
	finalize := reconcile.Func(func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
		var ns corev1.Namespace
		if err := mgr.GetClient().Get(ctx, req.NamespacedName, &ns); err != nil || !slices.Contains(ns.Spec.Finalizers, corev1.FinalizerKubernetes) {
			return reconcile.Result{}, client.IgnoreNotFound(err)
		}
		finalized, err := namespaces.Finalize(ctx, req.Name)
		switch {
		case err != nil:
			return reconcile.Result{}, err
		case !finalized:
			return reconcile.Result{RequeueAfter: recheck}, nil
		}
		report("namespace controller (stand-in) emptied Namespace %s and finalized it", req.Name)
		return reconcile.Result{}, nil
	})
	return ctrl.NewControllerManagedBy(mgr).Named("standin-namespace").For(&corev1.Namespace{}, deleting).Complete(finalize)
}
