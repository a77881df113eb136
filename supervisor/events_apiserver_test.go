package supervisor

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// TestTheAPIServerTakesTheEventsAndTheirSeries writes Events through a real
// kube-apiserver, which validates what a fake client does not: the Event's
// fields and the patch that counts a repeat in its series.
func TestTheAPIServerTakesTheEventsAndTheirSeries(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		// Skipped only when asked for, as the envtest suites under test/ are.
		if os.Getenv("TENANTGUARD_SKIP_ENVTEST") == "1" {
			t.Skip("KUBEBUILDER_ASSETS is not set (TENANTGUARD_SKIP_ENVTEST=1)")
		}
		t.Fatal("KUBEBUILDER_ASSETS is not set; run the tests with `make test`, which builds kube-apiserver and etcd, or set TENANTGUARD_SKIP_ENVTEST=1 to skip")
	}
	env := &envtest.Environment{}
	cfg, err := env.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = env.Stop() })
	scheme := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(scheme))
	require.NoError(t, tenantv1.AddToScheme(scheme))
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	require.NoError(t, err)

	w := newEventWriter(c, scheme, recorderName, logr.Discard())
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	go func() { _ = w.Start(ctx) }()

	shop := tenant("shop", tenantv1.TenantSpec{Environment: "production"})
	for range 3 {
		w.Eventf(shop, nil, corev1.EventTypeWarning, ReasonApplyFailed, "Reconcile", "NamespaceReady: applying namespace tenant-shop: %s", "conflict")
	}
	w.Eventf(shop, nil, corev1.EventTypeNormal, ReasonReady, "Reconcile", "the tenant's namespace, AppProject and Application are applied")

	var failed, ready *eventsv1.Event
	require.Eventually(t, func() bool {
		var list eventsv1.EventList
		require.NoError(t, c.List(ctx, &list, client.InNamespace("default")))
		failed, ready = nil, nil
		for i, e := range list.Items {
			switch e.Reason {
			case ReasonApplyFailed:
				failed = &list.Items[i]
			case ReasonReady:
				ready = &list.Items[i]
			}
		}
		return ready != nil && failed != nil && failed.Series != nil && failed.Series.Count == 3
	}, 30*time.Second, 50*time.Millisecond, "one ApplyFailed Event counting three, and one Ready Event")
	assert.Equal(t, "shop", failed.Regarding.Name)
	assert.Equal(t, "Tenant", failed.Regarding.Kind)
	assert.Equal(t, "tenantguard-supervisor", failed.ReportingController)
	assert.Nil(t, ready.Series)
}
