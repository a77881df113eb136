package supervisor

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// TestWithoutAPlatformRepositoryNoApplicationIsWritten serves a config
// without supervisor.repoURL, then puts it back: the reloaded config reaches
// the Tenant without any change to it.
func TestWithoutAPlatformRepositoryNoApplicationIsWritten(t *testing.T) {
	setConfig(t, strings.Replace(baseConfig, "  repoURL: "+repoURL+"\n", "", 1))
	t.Cleanup(func() { setConfig(t, baseConfig) })
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging"})
	project := "tenant-" + tenant.Name

	got := waitForCondition(t, tenant.Name, tenantv1.ConditionApplicationReady, metav1.ConditionFalse, "NoRepository")
	assert.Contains(t, findCondition(got, tenantv1.ConditionApplicationReady).Message, "supervisor.repoURL")
	assert.Equal(t, "NoRepository", findCondition(got, tenantv1.ConditionReady).Reason)
	assert.Equal(t, metav1.ConditionTrue, findCondition(got, tenantv1.ConditionProjectReady).Status, "the AppProject does not need the repository")
	assert.Nil(t, get(t, applicationGVK, "argocd", project))
	proj := get(t, appProjectGVK, "argocd", project)
	require.NotNil(t, proj)
	assert.Equal(t, []any{repoURL}, nested(proj, "spec", "sourceRepos"), "the allowed repositories")

	setConfig(t, baseConfig)
	waitForReady(t, tenant.Name)
	assert.NotNil(t, get(t, applicationGVK, "argocd", project))
}

// TestNamespaceObjectsFollowTheConfig takes production's quota, limits and
// policy out of the config, and puts them back.
func TestNamespaceObjectsFollowTheConfig(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "production"})
	waitForReady(t, tenant.Name)
	ns := "tenant-" + tenant.Name
	require.NotNil(t, get(t, resourceQuotaGVK, ns, "tenant"))

	without := baseConfig[:strings.Index(baseConfig, "  namespaceResources:")]
	setConfig(t, without)
	t.Cleanup(func() { setConfig(t, baseConfig) })
	gone := func(o *unstructured.Unstructured) bool { return o == nil }
	eventually(t, resourceQuotaGVK, ns, "tenant", gone, "the quota the config no longer asks for is deleted")
	eventually(t, limitRangeGVK, ns, "tenant", gone, "so are the limits")
	eventually(t, networkPolicyGVK, ns, "default-deny", gone, "and the policy")

	setConfig(t, baseConfig)
	eventually(t, networkPolicyGVK, ns, "default-deny", exists, "made again when the config asks for it")
}
