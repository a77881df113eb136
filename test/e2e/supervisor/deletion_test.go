package supervisor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// TestDeletionRemovesTheApplicationFirst deletes a Tenant and plays Argo CD:
// until the Application's resources finalizer is removed (Argo CD has
// pruned), the AppProject and the namespace stay and the Tenant waits; then
// they go, and so does the Tenant.
func TestDeletionRemovesTheApplicationFirst(t *testing.T) {
	ctx := context.Background()
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging"})
	got := waitForReady(t, tenant.Name)
	assert.Contains(t, got.Finalizers, tenantv1.Finalizer)
	ns, project := "tenant-"+tenant.Name, "tenant-"+tenant.Name

	require.NoError(t, env.Client.Delete(ctx, got))
	eventually(t, applicationGVK, "argocd", project, func(o *unstructured.Unstructured) bool {
		return o != nil && o.GetDeletionTimestamp() != nil
	}, "the Application is deleted first")
	deleting := waitForCondition(t, tenant.Name, tenantv1.ConditionReady, metav1.ConditionFalse, "Deleting")
	assert.Contains(t, findCondition(deleting, tenantv1.ConditionReady).Message, "waiting until Application argocd/"+project+" is gone")

	// Argo CD is still pruning: nothing else goes.
	time.Sleep(time.Second)
	assert.Nil(t, get(t, appProjectGVK, "argocd", project).GetDeletionTimestamp(), "the AppProject waits for the Application")
	assert.Nil(t, get(t, namespaceGVK, "", ns).GetDeletionTimestamp(), "the namespace waits for the Application")
	var waiting tenantv1.Tenant
	require.NoError(t, env.Client.Get(ctx, client.ObjectKeyFromObject(tenant), &waiting), "the Tenant waits")
	assert.NotNil(t, waiting.DeletionTimestamp)

	releaseApplication(t, "argocd", project)
	eventually(t, appProjectGVK, "argocd", project, func(o *unstructured.Unstructured) bool { return o == nil }, "the AppProject goes once the Application is gone")
	eventually(t, namespaceGVK, "", ns, func(o *unstructured.Unstructured) bool {
		return o == nil || o.GetDeletionTimestamp() != nil
	}, "the namespace is deleted last")
	require.Eventually(t, func() bool {
		return apierrors.IsNotFound(env.Client.Get(ctx, client.ObjectKeyFromObject(tenant), &tenantv1.Tenant{}))
	}, within, 20*time.Millisecond, "the Tenant goes")
	assert.Nil(t, get(t, applicationGVK, "argocd", project))

	var notes []string
	require.Eventually(t, func() bool {
		notes = nil
		for _, e := range tenantEvents(t, tenant.Name) {
			if e.Reason == "Deleting" {
				notes = append(notes, e.Note)
			}
		}
		return len(notes) == 3
	}, within, 50*time.Millisecond, "one Event per deletion, the Application's, the AppProject's and the namespace's: %v", &notes)
}

func TestAProductionTenantIsKeptWithoutAllowDelete(t *testing.T) {
	ctx := context.Background()
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "production"})
	got := waitForReady(t, tenant.Name)
	project := "tenant-" + tenant.Name

	err := env.Client.Delete(ctx, got)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "[tenant-production-delete]")

	time.Sleep(time.Second)
	var kept tenantv1.Tenant
	require.NoError(t, env.Client.Get(ctx, client.ObjectKeyFromObject(tenant), &kept))
	assert.Nil(t, kept.DeletionTimestamp)
	assert.Equal(t, metav1.ConditionTrue, findCondition(&kept, tenantv1.ConditionReady).Status)
	assert.Nil(t, get(t, applicationGVK, "argocd", project).GetDeletionTimestamp(), "the Application is untouched")

	// With the annotation, the deletion goes through, in order (deleteTenant
	// plays Argo CD).
	deleteTenant(t, tenant.Name)
	assert.Nil(t, get(t, applicationGVK, "argocd", project))
	assert.Nil(t, get(t, appProjectGVK, "argocd", project))
}
