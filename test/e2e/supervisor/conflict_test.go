package supervisor

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

func TestANamespaceTheTenantDoesNotOwnIsNeverAdopted(t *testing.T) {
	ctx := context.Background()
	name := fmt.Sprintf("sup%d", tenantCounter.Add(1))
	ns := "tenant-" + name
	existing := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{"team": "web"}}}
	require.NoError(t, env.Client.Create(ctx, existing))
	t.Cleanup(func() { _ = env.Client.Delete(ctx, existing) })

	tenant := &tenantv1.Tenant{Spec: tenantv1.TenantSpec{Environment: "staging"}}
	tenant.Name = name
	require.NoError(t, env.Client.Create(ctx, tenant))
	t.Cleanup(func() { deleteTenant(t, name) })

	got := waitForCondition(t, name, tenantv1.ConditionNamespaceReady, metav1.ConditionFalse, "NamespaceConflict")
	ready := findCondition(got, tenantv1.ConditionReady)
	require.NotNil(t, ready)
	assert.Equal(t, metav1.ConditionFalse, ready.Status)
	assert.Equal(t, "NamespaceConflict", ready.Reason)
	assert.Contains(t, findCondition(got, tenantv1.ConditionNamespaceReady).Message, "never adopts")
	assert.Equal(t, "WaitingForNamespace", findCondition(got, tenantv1.ConditionProjectReady).Reason)
	assert.Equal(t, "WaitingForNamespace", findCondition(got, tenantv1.ConditionApplicationReady).Reason)

	namespace := get(t, namespaceGVK, "", ns)
	assert.Equal(t, map[string]string{"team": "web", "kubernetes.io/metadata.name": ns}, namespace.GetLabels(), "the namespace is left as it was")
	assert.Empty(t, namespace.GetOwnerReferences())
	assert.NotContains(t, managers(namespace), "tenantguard-supervisor")
	assert.Nil(t, get(t, appProjectGVK, "argocd", "tenant-"+name), "nothing is made for a namespace not the tenant's")
	assert.Nil(t, get(t, applicationGVK, "argocd", "tenant-"+name))
	require.Eventually(t, func() bool {
		for _, e := range tenantEvents(t, name) {
			if e.Reason == "NamespaceConflict" && e.Type == "Warning" {
				return true
			}
		}
		return false
	}, within, 50*time.Millisecond, "a Warning Event NamespaceConflict")

	t.Run("deleting the Tenant leaves the namespace", func(t *testing.T) {
		deleteTenant(t, name)
		namespace := get(t, namespaceGVK, "", ns)
		require.NotNil(t, namespace)
		assert.Nil(t, namespace.GetDeletionTimestamp())
	})
}

func TestAnAppProjectTheTenantDoesNotOwnIsNeverAdopted(t *testing.T) {
	ctx := context.Background()
	name := fmt.Sprintf("sup%d", tenantCounter.Add(1))
	project := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
		"metadata": map[string]any{"name": "tenant-" + name, "namespace": "argocd"},
		"spec":     map[string]any{"sourceRepos": []any{"*"}},
	}}
	require.NoError(t, env.Client.Create(ctx, project))
	t.Cleanup(func() { _ = env.Client.Delete(ctx, project) })

	tenant := &tenantv1.Tenant{Spec: tenantv1.TenantSpec{Environment: "staging"}}
	tenant.Name = name
	require.NoError(t, env.Client.Create(ctx, tenant))
	t.Cleanup(func() { deleteTenant(t, name) })

	got := waitForCondition(t, name, tenantv1.ConditionProjectReady, metav1.ConditionFalse, "ProjectConflict")
	assert.Equal(t, "WaitingForProject", findCondition(got, tenantv1.ConditionApplicationReady).Reason)
	assert.Equal(t, []any{"*"}, nested(get(t, appProjectGVK, "argocd", "tenant-"+name), "spec", "sourceRepos"), "left as it was")
	assert.Nil(t, get(t, applicationGVK, "argocd", "tenant-"+name))
	assert.NotNil(t, get(t, namespaceGVK, "", "tenant-"+name), "the tenant's own namespace is made")
}
