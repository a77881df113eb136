package supervisor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

func TestATenantOnAnotherClusterGetsItsNamespaceFromItsApplication(t *testing.T) {
	cases := map[string]struct {
		destination, field string
	}{
		"a cluster named by its server URL":   {"https://edge.example.com:6443", "server"},
		"a cluster named by its Argo CD name": {"edge-eu", "name"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging", Destination: tc.destination})
			got := waitForReady(t, tenant.Name)
			ns, project := "tenant-"+tenant.Name, "tenant-"+tenant.Name

			namespaceReady := findCondition(got, tenantv1.ConditionNamespaceReady)
			assert.Equal(t, metav1.ConditionTrue, namespaceReady.Status)
			assert.Equal(t, "CreatedByApplication", namespaceReady.Reason)
			assert.Nil(t, get(t, namespaceGVK, "", ns), "no namespace in the local cluster")

			app := get(t, applicationGVK, "argocd", project)
			require.NotNil(t, app)
			assert.Equal(t, map[string]any{tc.field: tc.destination, "namespace": ns}, nested(app, "spec", "destination"))
			assert.Equal(t, []any{"CreateNamespace=true"}, nested(app, "spec", "syncPolicy", "syncOptions"))
			assert.Equal(t, map[string]any{
				tenantv1.TenantLabel:                 tenant.Name,
				tenantv1.EnvironmentLabel:            "staging",
				"pod-security.kubernetes.io/enforce": "restricted",
				"pod-security.kubernetes.io/audit":   "restricted",
				"pod-security.kubernetes.io/warn":    "restricted",
			}, nested(app, "spec", "syncPolicy", "managedNamespaceMetadata", "labels"), "the labels a local namespace gets")

			proj := get(t, appProjectGVK, "argocd", project)
			require.NotNil(t, proj)
			assert.Equal(t, []any{map[string]any{tc.field: tc.destination, "namespace": ns}}, nested(proj, "spec", "destinations"))
			assert.Equal(t, []any{map[string]any{"group": "", "kind": "Namespace", "name": ns}}, nested(proj, "spec", "clusterResourceWhitelist"),
				"the Application may create its own namespace there, and no other cluster-scoped object")
		})
	}
}
