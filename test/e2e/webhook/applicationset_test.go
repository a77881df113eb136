package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

var applicationSetGVK = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "ApplicationSet"}

// tenantApplicationSet is an ApplicationSet of tenant whose list generator
// makes one Application per path, in Argo CD's default template syntax.
func tenantApplicationSet(tenant *tenantv1.Tenant, paths ...string) *unstructured.Unstructured {
	elements := make([]any, len(paths))
	for i, p := range paths {
		elements[i] = map[string]any{"component": fmt.Sprintf("c%d", i), "path": p}
	}
	appset := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{
		"generators": []any{map[string]any{"list": map[string]any{"elements": elements}}},
		"template": map[string]any{
			"metadata": map[string]any{
				"name":   tenant.Name + "-{{component}}",
				"labels": map[string]any{tenantv1.TenantLabel: tenant.Name},
			},
			"spec": map[string]any{
				"project": "tenant-" + tenant.Name,
				"source": map[string]any{
					"repoURL": "https://git.example.com/platform/tenants.git", "targetRevision": "HEAD", "path": "{{path}}",
				},
				"destination": map[string]any{"server": "https://kubernetes.default.svc", "namespace": "tenant-" + tenant.Name},
				"syncPolicy":  map[string]any{"automated": map[string]any{"selfHeal": true}},
			},
		},
	}}}
	appset.SetGroupVersionKind(applicationSetGVK)
	appset.SetNamespace("argocd")
	appset.SetName(fmt.Sprintf("appset-%d", appCounter.Add(1)))
	appset.SetLabels(map[string]string{tenantv1.TenantLabel: tenant.Name})
	return appset
}

func TestApplicationSetMakingAProductionApplicationIsRefused(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging"})
	appset := tenantApplicationSet(tenant, "staging/api", "production/web")

	err := env.Client.Create(context.Background(), appset)
	require.Error(t, err, "the API server stored an ApplicationSet that makes a production Application for a staging tenant")
	assert.Contains(t, err.Error(), "[app-environment-path] ApplicationSet argocd/"+appset.GetName()+
		": spec.generators[0].list.elements[1] → spec.template.spec.source.path")
	assert.Contains(t, err.Error(), `"production/web"`)
	assert.NotContains(t, err.Error(), "elements[0]", "the staging element is clean")
}

func TestCleanApplicationSetIsStoredUntouched(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging"})
	appset := tenantApplicationSet(tenant, "staging/api", "staging/web")
	want := appset.DeepCopy()

	require.NoError(t, env.Client.Create(context.Background(), appset))
	got := &unstructured.Unstructured{}
	got.SetGroupVersionKind(applicationSetGVK)
	require.NoError(t, env.Client.Get(context.Background(), client.ObjectKeyFromObject(appset), got))
	assert.Equal(t, want.Object["spec"], got.Object["spec"], "the mutating webhook leaves ApplicationSets alone")
	assert.Equal(t, want.GetLabels(), got.GetLabels())

	// An update that adds a production element is refused like a create.
	spec := got.Object["spec"].(map[string]any)
	list := spec["generators"].([]any)[0].(map[string]any)["list"].(map[string]any)
	list["elements"] = append(list["elements"].([]any), map[string]any{"component": "c9", "path": "production/c9"})
	err := env.Client.Update(context.Background(), got)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.generators[0].list.elements[2] → spec.template.spec.source.path")
}
