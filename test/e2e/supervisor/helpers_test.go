package supervisor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/defaults"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/test/support/cluster/standin"
)

var (
	namespaceGVK     = schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}
	appProjectGVK    = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "AppProject"}
	applicationGVK   = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}
	resourceQuotaGVK = schema.GroupVersionKind{Version: "v1", Kind: "ResourceQuota"}
	limitRangeGVK    = schema.GroupVersionKind{Version: "v1", Kind: "LimitRange"}
	networkPolicyGVK = schema.GroupVersionKind{Group: "networking.k8s.io", Version: "v1", Kind: "NetworkPolicy"}
)

// argoCDFinalizer is the finalizer with which Argo CD prunes what an Application deployed.
const argoCDFinalizer = defaults.ResourcesFinalizer

// within is how long the supervisor gets to act; it usually takes well under a second.
const within = 20 * time.Second

var tenantCounter atomic.Int32

// createTenant creates a Tenant with a unique name and deletes it, with what
// the supervisor made for it, when the test ends.
func createTenant(t *testing.T, spec tenantv1.TenantSpec) *tenantv1.Tenant {
	t.Helper()
	tenant := &tenantv1.Tenant{Spec: spec}
	tenant.Name = fmt.Sprintf("sup%d", tenantCounter.Add(1))
	require.NoError(t, env.Client.Create(context.Background(), tenant))
	t.Cleanup(func() { deleteTenant(t, tenant.Name) })
	return tenant
}

// deleteTenant deletes a Tenant as an operator would (allowing a production
// one), playing Argo CD's part: once its Application is being deleted, the
// resources finalizer is removed, as Argo CD does after pruning.
func deleteTenant(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	var tenant tenantv1.Tenant
	if apierrors.IsNotFound(env.Client.Get(ctx, client.ObjectKey{Name: name}, &tenant)) {
		return
	}
	allowDelete(t, name)
	require.NoError(t, client.IgnoreNotFound(env.Client.Delete(ctx, &tenant)))
	require.Eventually(t, func() bool {
		pruneDeletedApplications(t, name)
		return apierrors.IsNotFound(env.Client.Get(ctx, client.ObjectKey{Name: name}, &tenantv1.Tenant{}))
	}, within, 50*time.Millisecond, "Tenant %s is deleted", name)
}

// allowDelete sets tenantguard.io/allow-delete on a Tenant.
func allowDelete(t *testing.T, name string) {
	t.Helper()
	patch := []byte(fmt.Sprintf(`{"metadata":{"annotations":{%q:"true"}}}`, tenantv1.AllowDeleteAnnotation))
	tenant := &tenantv1.Tenant{}
	tenant.Name = name
	require.NoError(t, client.IgnoreNotFound(env.Client.Patch(context.Background(), tenant, client.RawPatch("application/merge-patch+json", patch))))
}

// pruneDeletedApplications plays Argo CD with its stand-in: the
// Applications of the tenant being deleted lose the resources finalizer, as
// after Argo CD has pruned.
func pruneDeletedApplications(t *testing.T, tenant string) {
	t.Helper()
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(applicationGVK.GroupVersion().WithKind("ApplicationList"))
	require.NoError(t, env.Client.List(context.Background(), list, client.MatchingLabels{tenantv1.TenantLabel: tenant}))
	for i := range list.Items {
		_, err := standin.ReleaseApplication(context.Background(), env.Client, client.ObjectKeyFromObject(&list.Items[i]))
		require.NoError(t, err)
	}
}

// releaseApplication has Argo CD's stand-in release the Application being
// deleted, as Argo CD does once it has pruned.
func releaseApplication(t *testing.T, namespace, name string) {
	t.Helper()
	released, err := standin.ReleaseApplication(context.Background(), env.Client, client.ObjectKey{Namespace: namespace, Name: name})
	require.NoError(t, err)
	require.True(t, released, "Application %s/%s is being deleted, with Argo CD's resources finalizer", namespace, name)
}

// finalizeNamespace has the namespace controller's stand-in empty and
// finalize the terminating namespace name.
func finalizeNamespace(t *testing.T, name string) {
	t.Helper()
	namespaces, err := standin.NewNamespaceController(env.Config)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		finalized, err := namespaces.Finalize(context.Background(), name)
		require.NoError(t, err)
		return finalized
	}, within, 50*time.Millisecond, "namespace %s is emptied and finalized", name)
}

// waitForCondition waits until the Tenant's condition has status and reason,
// and returns the Tenant as then stored.
func waitForCondition(t *testing.T, name, typ string, status metav1.ConditionStatus, reason string) *tenantv1.Tenant {
	t.Helper()
	var tenant tenantv1.Tenant
	var last *metav1.Condition
	require.Eventually(t, func() bool {
		if err := env.Client.Get(context.Background(), client.ObjectKey{Name: name}, &tenant); err != nil {
			return false
		}
		last = meta.FindStatusCondition(tenant.Status.Conditions, typ)
		return last != nil && last.Status == status && last.Reason == reason
	}, within, 20*time.Millisecond, "Tenant %s: want %s=%s (%s), last seen %+v", name, typ, status, reason, &last)
	return &tenant
}

// waitForReady waits until the Tenant is Ready.
func waitForReady(t *testing.T, name string) *tenantv1.Tenant {
	t.Helper()
	return waitForCondition(t, name, tenantv1.ConditionReady, metav1.ConditionTrue, "Ready")
}

// get reads an object of kind gvk, nil when it does not exist.
func get(t *testing.T, gvk schema.GroupVersionKind, namespace, name string) *unstructured.Unstructured {
	t.Helper()
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(gvk)
	err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, obj)
	if apierrors.IsNotFound(err) {
		return nil
	}
	require.NoError(t, err)
	return obj
}

// eventually waits until check holds for the object of kind gvk (nil when absent).
func eventually(t *testing.T, gvk schema.GroupVersionKind, namespace, name string, check func(*unstructured.Unstructured) bool, msg string) *unstructured.Unstructured {
	t.Helper()
	var obj *unstructured.Unstructured
	require.Eventually(t, func() bool {
		obj = get(t, gvk, namespace, name)
		return check(obj)
	}, within, 20*time.Millisecond, "%s %s/%s: %s", gvk.Kind, namespace, name, msg)
	return obj
}

func exists(obj *unstructured.Unstructured) bool { return obj != nil }

// nested reads a field of an object, nil when absent.
func nested(obj *unstructured.Unstructured, path ...string) any {
	value, _, _ := unstructured.NestedFieldNoCopy(obj.Object, path...)
	return value
}

// setConfig writes the cluster config the server serves, and waits until the
// server serves it: its tenantguard_policy_revision_info names the files' revision.
func setConfig(t *testing.T, yaml string) {
	t.Helper()
	require.NoError(t, os.WriteFile(configFile, []byte(yaml), 0o600))
	revision, err := live.Loader{ConfigFile: configFile}.Revision()
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		families, err := ctrlmetrics.Registry.Gather()
		require.NoError(t, err)
		for _, f := range families {
			if f.GetName() != "tenantguard_policy_revision_info" {
				continue
			}
			for _, m := range f.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "revision" && l.GetValue() == revision && m.GetGauge().GetValue() == 1 {
						return true
					}
				}
			}
		}
		return false
	}, within, 50*time.Millisecond, "the server serves the new cluster config")
}

// kubectl runs the real kubectl, built beside kube-apiserver, against the test cluster.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	bin := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")
	kubeconfig, err := env.KubeConfig()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(path, kubeconfig, 0o600))
	out, err := exec.Command(bin, append([]string{"--kubeconfig", path}, args...)...).CombinedOutput()
	require.NoError(t, err, "kubectl %v: %s", args, out)
	return string(out)
}

// asUser is a client acting as user, who may write Applications anywhere
// (as a platform engineer with kubectl may): what is refused is refused by
// tenantguard's rules, not by RBAC.
func asUser(t *testing.T, user string) client.Client {
	t.Helper()
	ctx := context.Background()
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "test-applications-"},
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{"argoproj.io"}, Resources: []string{"applications", "appprojects"},
			Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete"},
		}},
	}
	require.NoError(t, env.Client.Create(ctx, role))
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "test-applications-"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: user}},
	}
	require.NoError(t, env.Client.Create(ctx, binding))
	cfg := rest.CopyConfig(env.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: []string{"system:authenticated"}}
	c, err := client.New(cfg, client.Options{Scheme: env.Client.Scheme()})
	require.NoError(t, err)
	// RBAC takes a moment to see the new binding.
	require.Eventually(t, func() bool {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(applicationGVK.GroupVersion().WithKind("ApplicationList"))
		return c.List(ctx, list, client.InNamespace("argocd")) == nil
	}, within, 50*time.Millisecond)
	return c
}
