package supervisor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/test/support/cluster/standin"
)

// TestATenantGoesInOrderWithTheStandIns deletes a production Tenant, with
// its quota, limits and network policy, while the stand-ins for Argo CD and
// the namespace controller run as `make run` runs them: nothing else plays
// their part, and the Application, the AppProject and the namespace are gone
// in that order, well within a minute.
func TestATenantGoesInOrderWithTheStandIns(t *testing.T) {
	ctx := context.Background()
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "production"})
	waitForReady(t, tenant.Name)
	name := "tenant-" + tenant.Name
	eventually(t, resourceQuotaGVK, name, "tenant", exists, "the namespace holds the production quota")
	startStandIns(t, tenant.Name)
	gone := watchDeletions(t, []object{
		{applicationGVK, "argocd", name}, {appProjectGVK, "argocd", name}, {namespaceGVK, "", name},
	})

	allowDelete(t, tenant.Name)
	start := time.Now()
	require.NoError(t, env.Client.Delete(ctx, tenant))
	var order []string
	for range 3 {
		select {
		case kind := <-gone:
			order = append(order, kind)
		case <-time.After(time.Minute - time.Since(start)):
			require.Failf(t, "the deletion did not finish within a minute", "gone so far: %v", order)
		}
	}
	assert.Equal(t, []string{"Application", "AppProject", "Namespace"}, order)
	require.Eventually(t, func() bool {
		return apierrors.IsNotFound(env.Client.Get(ctx, client.ObjectKeyFromObject(tenant), &tenantv1.Tenant{}))
	}, within, 20*time.Millisecond, "the Tenant goes")
	t.Logf("Tenant %s deleted in %s", tenant.Name, time.Since(start).Round(time.Millisecond))
}

// startStandIns runs the stand-ins for Argo CD and the namespace controller
// on the objects of tenant until the test ends, so that other tests still
// choose when Argo CD and the namespace controller act.
func startStandIns(t *testing.T, tenant string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done, err := standin.Start(ctx, env.Config, standin.Options{
		Selector: labels.SelectorFromSet(labels.Set{tenantv1.TenantLabel: tenant}),
		Report:   func(line string) { t.Log(line) },
	})
	require.NoError(t, err)
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
}

// object names one object of a kind.
type object struct {
	gvk             schema.GroupVersionKind
	namespace, name string
}

// watchDeletions watches each object and sends its kind on the returned
// channel when the API server reports it deleted, in the order seen.
func watchDeletions(t *testing.T, objects []object) <-chan string {
	t.Helper()
	wc, err := client.NewWithWatch(env.Config, client.Options{Scheme: env.Client.Scheme()})
	require.NoError(t, err)
	gone := make(chan string, len(objects))
	for _, o := range objects {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(o.gvk.GroupVersion().WithKind(o.gvk.Kind + "List"))
		w, err := wc.Watch(context.Background(), list, client.InNamespace(o.namespace), client.MatchingFields{"metadata.name": o.name})
		require.NoError(t, err)
		t.Cleanup(w.Stop)
		go func() {
			for event := range w.ResultChan() {
				if event.Type == watch.Deleted {
					gone <- o.gvk.Kind
					return
				}
			}
		}()
	}
	return gone
}
