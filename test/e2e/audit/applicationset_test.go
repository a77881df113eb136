package audit

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

// createApplicationSet creates, through the webhooks, a clean ApplicationSet
// of tenant in namespace ns whose list generator makes one Application.
func createApplicationSet(t *testing.T, ns string, tenant *tenantv1.Tenant) *unstructured.Unstructured {
	t.Helper()
	appset := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{
		"generators": []any{map[string]any{"list": map[string]any{"elements": []any{map[string]any{"component": "api"}}}}},
		"template": map[string]any{
			"metadata": map[string]any{"name": tenant.Name + "-{{component}}", "labels": map[string]any{tenantv1.TenantLabel: tenant.Name}},
			"spec": map[string]any{
				"project":     "tenant-" + tenant.Name,
				"destination": map[string]any{"server": "https://kubernetes.default.svc", "namespace": "tenant-" + tenant.Name},
				"source":      map[string]any{"repoURL": repoURL, "path": "staging/{{component}}"},
				"syncPolicy":  map[string]any{"automated": map[string]any{"selfHeal": true}},
			},
		},
	}}}
	appset.SetGroupVersionKind(applicationSetGVK)
	appset.SetNamespace(ns)
	appset.SetName(fmt.Sprintf("appset%d", counter.Add(1)))
	appset.SetLabels(map[string]string{tenantv1.TenantLabel: tenant.Name})
	require.NoError(t, env.Client.Create(context.Background(), appset))
	t.Cleanup(func() { _ = env.Client.Delete(context.Background(), appset) })
	return appset
}

func TestAConfigChangeShowsAStoredApplicationSetInTheReport(t *testing.T) {
	ns := createNamespace(t)
	tenant := createTenant(t, "amd64")
	appset := createApplicationSet(t, ns, tenant)
	waitForNoReport(t, ns)

	writeConfig(t, "allowedRepos: [https://git.example.com/platform/other.git]\nsupervisor: {repoURL: "+repoURL+"}\n")
	t.Cleanup(func() { writeConfig(t, baseConfig) })
	r := waitForRules(t, ns, appset.GetName(), "app-repo-allowed")
	res := r.Results[0]
	assert.Equal(t, "fail", string(res.Result))
	assert.Contains(t, res.Description, "ApplicationSet "+ns+"/"+appset.GetName()+": spec.generators[0].list.elements[0] → spec.template.spec.source.repoURL")
	require.Len(t, res.Subjects, 1)
	assert.Equal(t, "ApplicationSet", res.Subjects[0].Kind)
	assert.Equal(t, appset.GetUID(), res.Subjects[0].UID)

	writeConfig(t, baseConfig)
	waitForNoReport(t, ns)
	// It is still stored: the audit judges, it never deletes.
	require.NoError(t, env.Client.Get(context.Background(), client.ObjectKeyFromObject(appset), appset.DeepCopy()))
}
