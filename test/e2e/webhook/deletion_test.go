package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// beingDeleted creates a Tenant's Application, which the mutating webhook
// gives Argo CD's resources finalizer, and deletes it without waiting: it
// stays stored, with a deletionTimestamp, until the finalizer is removed.
func beingDeleted(t *testing.T) *unstructured.Unstructured {
	t.Helper()
	ctx := context.Background()
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging"})
	app := tenantApplication(tenant)
	require.NoError(t, env.Client.Create(ctx, app))
	t.Cleanup(func() { releaseAndWait(t, app) })
	require.NoError(t, env.Client.Delete(ctx, app))
	got := stored(t, app)
	require.NotNil(t, got.GetDeletionTimestamp(), "the finalizer keeps the Application stored while it is deleted")
	require.NotEmpty(t, got.GetFinalizers())
	return got
}

// releaseAndWait removes the finalizers, as Argo CD does once it has pruned.
func releaseAndWait(t *testing.T, app *unstructured.Unstructured) {
	ctx := context.Background()
	require.Eventually(t, func() bool {
		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(applicationGVK)
		if err := env.Client.Get(ctx, client.ObjectKeyFromObject(app), got); apierrors.IsNotFound(err) {
			return true
		}
		_ = env.Client.Patch(ctx, got, client.RawPatch(client.Merge.Type(), []byte(`{"metadata":{"finalizers":null}}`)))
		return false
	}, 10*time.Second, 50*time.Millisecond)
}

func TestAnUpdateOfAnApplicationBeingDeletedIsJudged(t *testing.T) {
	app := beingDeleted(t)
	patch := []byte(`{"spec":{"project":"default",` +
		`"destination":{"server":"https://kubernetes.default.svc","namespace":"kube-system"},` +
		`"source":{"repoURL":"https://git.example.com/platform/tenants.git","path":"production/shop","targetRevision":"3f1c9a0"}}}`)

	err := env.Client.Patch(context.Background(), app, client.RawPatch(client.Merge.Type(), patch))

	require.Error(t, err, "deletion must be no window to write what the rules refuse")
	assert.True(t, apierrors.IsForbidden(err), "%v", err)
	assert.Contains(t, err.Error(), "[app-pinned-revision]")
	assert.Contains(t, err.Error(), "[app-tenant-destination]")
	assert.NotContains(t, stored(t, app).Object["spec"].(map[string]any)["source"], "production/shop")
}

func TestRemovingFinalizersFromAnApplicationBeingDeletedPasses(t *testing.T) {
	app := beingDeleted(t)
	// Releasing the finalizer is what deletion needs: it is let through.
	err := env.Client.Patch(context.Background(), app,
		client.RawPatch(client.Merge.Type(), []byte(`{"metadata":{"finalizers":null}}`)))

	require.NoError(t, err)
	assert.Eventually(t, func() bool {
		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(applicationGVK)
		return apierrors.IsNotFound(env.Client.Get(context.Background(), client.ObjectKeyFromObject(app), got))
	}, 10*time.Second, 50*time.Millisecond, "the Application is gone once its finalizer is released")
}
