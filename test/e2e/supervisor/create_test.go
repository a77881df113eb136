package supervisor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

func TestStagingTenantGetsItsNamespaceProjectAndApplication(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging", Arch: "arm64", Components: []string{"grafana", "loki"}})
	name := tenant.Name
	ns, project := "tenant-"+name, "tenant-"+name
	got := waitForReady(t, name)

	t.Run("the namespace", func(t *testing.T) {
		namespace := get(t, namespaceGVK, "", ns)
		require.NotNil(t, namespace)
		labels := namespace.GetLabels()
		assert.Equal(t, name, labels[tenantv1.TenantLabel])
		assert.Equal(t, "staging", labels[tenantv1.EnvironmentLabel])
		assert.Equal(t, "restricted", labels["pod-security.kubernetes.io/enforce"], "Pod Security labels from the config")
		assert.Equal(t, "restricted", labels["pod-security.kubernetes.io/warn"])
		assertOwnedBy(t, namespace, got)
		assert.Nil(t, get(t, resourceQuotaGVK, ns, "tenant"), "staging asks for no quota")
		assert.Nil(t, get(t, networkPolicyGVK, ns, "default-deny"))
	})

	t.Run("the AppProject", func(t *testing.T) {
		proj := get(t, appProjectGVK, "argocd", project)
		require.NotNil(t, proj)
		assertOwnedBy(t, proj, got)
		assert.Equal(t, []any{repoURL}, nested(proj, "spec", "sourceRepos"))
		assert.Equal(t, []any{map[string]any{"server": "https://kubernetes.default.svc", "namespace": ns}}, nested(proj, "spec", "destinations"))
		assert.Empty(t, nested(proj, "spec", "clusterResourceWhitelist"), "no cluster-scoped objects")
		assert.Equal(t, []any{
			map[string]any{"group": "", "kind": "ResourceQuota"},
			map[string]any{"group": "", "kind": "LimitRange"},
			map[string]any{"group": "networking.k8s.io", "kind": "NetworkPolicy"},
		}, nested(proj, "spec", "namespaceResourceBlacklist"))
	})

	t.Run("the Application, defaulted by the webhook", func(t *testing.T) {
		app := get(t, applicationGVK, "argocd", project)
		require.NotNil(t, app)
		assertOwnedBy(t, app, got)
		assert.Equal(t, project, nested(app, "spec", "project"))
		assert.Equal(t, repoURL, nested(app, "spec", "source", "repoURL"))
		assert.Equal(t, "staging/tenant", nested(app, "spec", "source", "path"))
		assert.Equal(t, []any{"values.yaml", "values-images.yaml"}, nested(app, "spec", "source", "helm", "valueFiles"))
		assert.Equal(t, map[string]any{"enabled": true}, nested(app, "spec", "source", "helm", "valuesObject", "grafana"), "components as Helm values")
		assert.Equal(t, map[string]any{"enabled": true}, nested(app, "spec", "source", "helm", "valuesObject", "loki"))
		assert.Equal(t, "HEAD", nested(app, "spec", "source", "targetRevision"), "left empty by the supervisor, filled in by the mutating webhook")
		assert.Equal(t, "arm64", nested(app, "spec", "source", "helm", "valuesObject", "global", "nodeSelector", "kubernetes.io/arch"), "the webhook's arch default")
		assert.Equal(t, map[string]any{"server": "https://kubernetes.default.svc", "namespace": ns}, nested(app, "spec", "destination"))
		assert.Equal(t, map[string]any{"prune": true, "selfHeal": true}, nested(app, "spec", "syncPolicy", "automated"))
		assert.Nil(t, nested(app, "spec", "syncPolicy", "syncOptions"), "the local namespace is the supervisor's, not Argo CD's")
		assert.Equal(t, map[string]string{
			"notifications.argoproj.io/subscribe.on-sync-failed.slack": "staging-alerts",
		}, app.GetAnnotations(), "the staging subscriptions")
		assert.Equal(t, name, app.GetLabels()[tenantv1.TenantLabel])
		assert.Equal(t, "staging", app.GetLabels()[tenantv1.EnvironmentLabel])
		assert.Contains(t, app.GetFinalizers(), argoCDFinalizer)
		assert.Contains(t, managers(app), "tenantguard-supervisor", "written by server-side apply with the supervisor's field manager")
	})

	t.Run("the status", func(t *testing.T) {
		assert.Equal(t, ns, got.Status.Namespace)
		assert.Equal(t, "argocd/"+project, got.Status.Project)
		assert.Equal(t, "argocd/"+project, got.Status.Application)
		assert.Equal(t, got.Generation, got.Status.ObservedGeneration)
		for _, typ := range []string{tenantv1.ConditionReady, tenantv1.ConditionNamespaceReady, tenantv1.ConditionProjectReady, tenantv1.ConditionApplicationReady} {
			c := findCondition(got, typ)
			require.NotNil(t, c, typ)
			assert.Equal(t, metav1.ConditionTrue, c.Status, typ)
			assert.Equal(t, got.Generation, c.ObservedGeneration, typ)
		}
		assert.Equal(t, "Applied", findCondition(got, tenantv1.ConditionApplicationReady).Reason)
	})
}

func TestProductionApplicationIsWrittenAsTheTrustedIdentity(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "production"})
	got := waitForReady(t, tenant.Name)
	ns, project := "tenant-"+tenant.Name, "tenant-"+tenant.Name

	app := get(t, applicationGVK, "argocd", project)
	require.NotNil(t, app)
	assert.Equal(t, "production/tenant", nested(app, "spec", "source", "path"),
		"app-production-source admits a production path only from a trusted identity: the supervisor's service account")
	assert.Equal(t, map[string]string{
		"notifications.argoproj.io/subscribe.on-sync-succeeded.slack":      "deploys",
		"notifications.argoproj.io/subscribe.on-health-degraded.pagerduty": "platform",
	}, app.GetAnnotations(), "the production subscriptions")

	t.Run("the production namespace's quota, limits and default-deny policy", func(t *testing.T) {
		quota := get(t, resourceQuotaGVK, ns, "tenant")
		require.NotNil(t, quota)
		assert.Equal(t, "50", nested(quota, "spec", "hard", "pods"))
		assertOwnedBy(t, quota, got)
		limits := get(t, limitRangeGVK, ns, "tenant")
		require.NotNil(t, limits)
		assert.Equal(t, "128Mi", nested(limits, "spec", "limits").([]any)[0].(map[string]any)["defaultRequest"].(map[string]any)["memory"])
		deny := get(t, networkPolicyGVK, ns, "default-deny")
		require.NotNil(t, deny)
		assert.Equal(t, map[string]any{}, nested(deny, "spec", "podSelector"), "every pod")
		assert.Equal(t, []any{"Ingress", "Egress"}, nested(deny, "spec", "policyTypes"))
		assert.Nil(t, nested(deny, "spec", "ingress"))
		assert.Nil(t, nested(deny, "spec", "egress"))
	})

	t.Run("another identity is refused the same Application", func(t *testing.T) {
		copied := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
			"metadata": map[string]any{"name": project + "-copy", "namespace": "argocd", "labels": map[string]any{tenantv1.TenantLabel: tenant.Name}},
			"spec":     app.Object["spec"],
		}}
		err := asUser(t, "alice").Create(t.Context(), copied)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "[app-production-source]")
	})
}

func assertOwnedBy(t *testing.T, obj *unstructured.Unstructured, tenant *tenantv1.Tenant) {
	t.Helper()
	owner := metav1.GetControllerOf(obj)
	require.NotNil(t, owner, "%s %s has a controller", obj.GetKind(), obj.GetName())
	assert.Equal(t, "Tenant", owner.Kind)
	assert.Equal(t, tenant.Name, owner.Name)
	assert.Equal(t, tenant.UID, owner.UID)
	assert.Equal(t, "tenantguard", obj.GetLabels()["app.kubernetes.io/managed-by"])
}

func findCondition(tenant *tenantv1.Tenant, typ string) *metav1.Condition {
	for i := range tenant.Status.Conditions {
		if tenant.Status.Conditions[i].Type == typ {
			return &tenant.Status.Conditions[i]
		}
	}
	return nil
}

func managers(obj *unstructured.Unstructured) []string {
	var out []string
	for _, f := range obj.GetManagedFields() {
		out = append(out, f.Manager)
	}
	return out
}
