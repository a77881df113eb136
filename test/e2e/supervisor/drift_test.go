package supervisor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// TestDriftIsPutBack edits and deletes what the supervisor made for a
// production tenant, one change at a time, and waits for each to be undone.
func TestDriftIsPutBack(t *testing.T) {
	ctx := context.Background()
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "production"})
	waitForReady(t, tenant.Name)
	ns, project := "tenant-"+tenant.Name, "tenant-"+tenant.Name

	t.Run("a namespace label changed and one removed", func(t *testing.T) {
		patch(t, namespaceGVK, "", ns, `{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"privileged","pod-security.kubernetes.io/warn":null}}}`)
		eventually(t, namespaceGVK, "", ns, func(o *unstructured.Unstructured) bool {
			return o.GetLabels()["pod-security.kubernetes.io/enforce"] == "restricted" && o.GetLabels()["pod-security.kubernetes.io/warn"] == "restricted"
		}, "the Pod Security labels are put back")
	})

	t.Run("the AppProject opened to every repository", func(t *testing.T) {
		patch(t, appProjectGVK, "argocd", project, `{"spec":{"sourceRepos":["*"],"clusterResourceWhitelist":[{"group":"*","kind":"*"}]}}`)
		eventually(t, appProjectGVK, "argocd", project, func(o *unstructured.Unstructured) bool {
			return assert.ObjectsAreEqual([]any{repoURL}, nested(o, "spec", "sourceRepos")) && len(nestedList(o, "spec", "clusterResourceWhitelist")) == 0
		}, "the source repositories and the cluster-scoped kinds are put back")
	})

	t.Run("a field the supervisor does not set, added to the AppProject, is left alone", func(t *testing.T) {
		// The cache holds a digest of the spec: one that differs sends the
		// supervisor to the API server for the whole spec, which covers what
		// it applies; a change to what it applies, in the same patch, is put back.
		patch(t, appProjectGVK, "argocd", project, `{"spec":{"sourceNamespaces":["team-a"],"description":"edited"}}`)
		eventually(t, appProjectGVK, "argocd", project, func(o *unstructured.Unstructured) bool {
			return nested(o, "spec", "description") != "edited"
		}, "the description is put back")
		assert.Equal(t, []any{"team-a"}, nested(get(t, appProjectGVK, "argocd", project), "spec", "sourceNamespaces"), "the other field stays")
	})

	t.Run("the AppProject deleted", func(t *testing.T) {
		before := get(t, appProjectGVK, "argocd", project)
		require.NoError(t, env.Client.Delete(ctx, before))
		eventually(t, appProjectGVK, "argocd", project, func(o *unstructured.Unstructured) bool {
			return o != nil && o.GetUID() != before.GetUID()
		}, "a new AppProject is made")
	})

	t.Run("the Application edited by hand", func(t *testing.T) {
		// Re-pointing it at another production path is refused by
		// app-production-source; what the rules admit is put back.
		patch(t, applicationGVK, "argocd", project, `{"spec":{"source":{"helm":{"valueFiles":["values.yaml"]}},"syncPolicy":{"automated":{"prune":false}}}}`)
		eventually(t, applicationGVK, "argocd", project, func(o *unstructured.Unstructured) bool {
			return assert.ObjectsAreEqual([]any{"values.yaml", "values-images.yaml"}, nested(o, "spec", "source", "helm", "valueFiles")) &&
				nested(o, "spec", "syncPolicy", "automated", "prune") == true
		}, "the value files and prune are put back")
		assert.Equal(t, "HEAD", nested(get(t, applicationGVK, "argocd", project), "spec", "source", "targetRevision"), "the webhook's revision stays")
	})

	t.Run("the Application deleted", func(t *testing.T) {
		before := get(t, applicationGVK, "argocd", project)
		require.NoError(t, env.Client.Delete(ctx, before))
		waitForCondition(t, tenant.Name, tenantv1.ConditionApplicationReady, metav1.ConditionFalse, "Deleting")
		// Argo CD prunes and lets it go.
		releaseApplication(t, "argocd", project)
		eventually(t, applicationGVK, "argocd", project, func(o *unstructured.Unstructured) bool {
			return o != nil && o.GetUID() != before.GetUID() && o.GetDeletionTimestamp() == nil
		}, "a new Application is made")
		waitForReady(t, tenant.Name)
	})

	t.Run("the quota raised and the default-deny policy deleted", func(t *testing.T) {
		patch(t, resourceQuotaGVK, ns, "tenant", `{"spec":{"hard":{"pods":"5000"}}}`)
		require.NoError(t, env.Client.Delete(ctx, get(t, networkPolicyGVK, ns, "default-deny")))
		eventually(t, resourceQuotaGVK, ns, "tenant", func(o *unstructured.Unstructured) bool {
			return nested(o, "spec", "hard", "pods") == "50"
		}, "the quota is put back")
		eventually(t, networkPolicyGVK, ns, "default-deny", exists, "the policy is made again")
	})

	t.Run("the namespace deleted", func(t *testing.T) {
		before := get(t, namespaceGVK, "", ns)
		require.NoError(t, env.Client.Delete(ctx, before))
		waitForCondition(t, tenant.Name, tenantv1.ConditionNamespaceReady, metav1.ConditionFalse, "Deleting")
		// The namespace controller, which envtest does not run, empties and
		// finalizes it: its stand-in does.
		finalizeNamespace(t, ns)
		eventually(t, namespaceGVK, "", ns, func(o *unstructured.Unstructured) bool {
			return o != nil && o.GetUID() != before.GetUID() && o.GetDeletionTimestamp() == nil
		}, "a new namespace is made")
		waitForReady(t, tenant.Name)
	})
}

// patch merge-patches an object as an administrator.
func patch(t *testing.T, gvk schema.GroupVersionKind, namespace, name, body string) {
	t.Helper()
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(gvk)
	obj.SetNamespace(namespace)
	obj.SetName(name)
	require.NoError(t, env.Client.Patch(context.Background(), obj, client.RawPatch("application/merge-patch+json", []byte(body))))
}

func nestedList(obj *unstructured.Unstructured, path ...string) []any {
	list, _ := nested(obj, path...).([]any)
	return list
}

func TestTheApplicationFollowsItsTenantsArch(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging", Arch: "amd64"})
	name := "tenant-" + tenant.Name
	waitForReady(t, tenant.Name)
	arch := func(want string) func(*unstructured.Unstructured) bool {
		return func(app *unstructured.Unstructured) bool {
			return app != nil && nested(app, "spec", "source", "helm", "valuesObject", "global", "nodeSelector", "kubernetes.io/arch") == want
		}
	}
	eventually(t, applicationGVK, "argocd", name, arch("amd64"), "the Application runs on the Tenant's arch")

	tenantGVK := tenantv1.GroupVersion.WithKind("Tenant")
	patch(t, tenantGVK, "", tenant.Name, `{"spec":{"arch":"arm64"}}`)

	eventually(t, applicationGVK, "argocd", name, arch("arm64"), "a Tenant moved to arm64 moves its Application, which the webhook's defaults alone would not change")
	waitForCondition(t, tenant.Name, tenantv1.ConditionApplicationReady, metav1.ConditionTrue, "Applied")
}
