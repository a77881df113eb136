package e2e

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

var tenantCounter atomic.Int32

// createTenant creates a Tenant with a unique name through the API server and returns it as stored.
func createTenant(t *testing.T, spec tenantv1.TenantSpec) *tenantv1.Tenant {
	t.Helper()
	tenant := &tenantv1.Tenant{Spec: spec}
	tenant.Name = fmt.Sprintf("tnt%d", tenantCounter.Add(1))
	require.NoError(t, env.Client.Create(context.Background(), tenant))
	t.Cleanup(func() { deleteTenant(tenant.Name) })
	// The webhook never waits for a Tenant its cache has not seen.
	require.Eventually(t, func() bool {
		return env.Cache.Get(context.Background(), client.ObjectKeyFromObject(tenant), &tenantv1.Tenant{}) == nil
	}, 10*time.Second, 10*time.Millisecond, "the webhook's cache sees Tenant %s", tenant.Name)
	return tenant
}

// deleteTenant removes a test Tenant, production ones included.
func deleteTenant(name string) {
	ctx := context.Background()
	var t tenantv1.Tenant
	if env.Client.Get(ctx, client.ObjectKey{Name: name}, &t) != nil {
		return
	}
	t.Annotations = map[string]string{tenantv1.AllowDeleteAnnotation: "true"}
	_ = env.Client.Update(ctx, &t)
	_ = env.Client.Delete(ctx, &t)
}

// tenantApplication is a clean Application of tenant, reading its environment's directory.
func tenantApplication(tenant *tenantv1.Tenant, sources ...map[string]any) *unstructured.Unstructured {
	if len(sources) == 0 {
		sources = []map[string]any{gitSource(tenant.Spec.Environment + "/" + tenant.Name)}
	}
	s := spec(sources...)
	s["project"] = "tenant-" + tenant.Name
	s["destination"] = map[string]any{"server": "https://kubernetes.default.svc", "namespace": "tenant-" + tenant.Name}
	s["syncPolicy"] = map[string]any{"automated": map[string]any{"selfHeal": true}}
	app := newApplication(s)
	app.SetLabels(map[string]string{tenantv1.TenantLabel: tenant.Name})
	return app
}

func TestTenantDefaultsAreFilledIn(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging"})
	assert.Equal(t, "tenant-"+tenant.Name, tenant.Spec.Namespace)
	assert.Equal(t, "amd64", tenant.Spec.Arch)
	assert.Equal(t, "https://kubernetes.default.svc", tenant.Spec.Destination)
}

func TestArm64TenantGetsItsNodeSelector(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging", Arch: "arm64"})
	app := tenantApplication(tenant)
	require.NoError(t, env.Client.Create(context.Background(), app))

	got := stored(t, app)
	arch, _, _ := unstructured.NestedString(got.Object, "spec", "source", "helm", "valuesObject", "global", "nodeSelector", "kubernetes.io/arch")
	assert.Equal(t, "arm64", arch)
	assert.Equal(t, "staging", got.GetLabels()[tenantv1.EnvironmentLabel])
	assert.Contains(t, got.GetFinalizers(), "resources-finalizer.argocd.argoproj.io")
}

func TestAirGappedTenantGetsTheRegistryMirror(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging", AirGapped: true, RegistryMirror: "mirror.example.com:5000/tenants"})
	app := tenantApplication(tenant)
	require.NoError(t, env.Client.Create(context.Background(), app))

	registry, _, _ := unstructured.NestedString(stored(t, app).Object, "spec", "source", "helm", "valuesObject", "global", "imageRegistry")
	assert.Equal(t, "mirror.example.com:5000/tenants", registry)
}

func TestMultiSourceApplicationIsDefaultedOnTheChartSourceOnly(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging", Arch: "arm64"})
	values := map[string]any{"repoURL": "https://git.example.com/platform/tenants.git", "ref": "values", "targetRevision": "HEAD"}
	app := tenantApplication(tenant, gitSource("staging/"+tenant.Name), values)
	require.NoError(t, env.Client.Create(context.Background(), app))

	sources, _, _ := unstructured.NestedSlice(stored(t, app).Object, "spec", "sources")
	require.Len(t, sources, 2)
	arch, _, _ := unstructured.NestedString(sources[0].(map[string]any), "helm", "valuesObject", "global", "nodeSelector", "kubernetes.io/arch")
	assert.Equal(t, "arm64", arch)
	assert.Equal(t, values, sources[1], "the ref-only values source is left as written")
}

func TestTenantEnvironmentAndNamespaceAreImmutable(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging"})
	for name, change := range map[string]func(*tenantv1.Tenant){
		"environment": func(t *tenantv1.Tenant) { t.Spec.Environment = "production" },
		"namespace":   func(t *tenantv1.Tenant) { t.Spec.Namespace = "elsewhere" },
	} {
		t.Run(name, func(t *testing.T) {
			changed := tenant.DeepCopy()
			change(changed)
			err := env.Client.Update(context.Background(), changed)
			require.Error(t, err)
			assert.True(t, apierrors.IsForbidden(err), "want 403, got %v", err)
			assert.Contains(t, err.Error(), "[tenant-immutable] Tenant "+tenant.Name)
		})
	}
}

func TestProductionTenantIsDeletedOnlyWithTheAnnotation(t *testing.T) {
	ctx := context.Background()
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "production"})
	err := env.Client.Delete(ctx, tenant)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "[tenant-production-delete] Tenant "+tenant.Name)
	require.NoError(t, env.Client.Get(ctx, client.ObjectKeyFromObject(tenant), tenant), "the Tenant must still exist")

	tenant.Annotations = map[string]string{tenantv1.AllowDeleteAnnotation: "true"}
	require.NoError(t, env.Client.Update(ctx, tenant))
	require.NoError(t, env.Client.Delete(ctx, tenant))
}

func TestStatusOnlyUpdateFromArgoCDPassesUnchanged(t *testing.T) {
	ctx := context.Background()
	// Created, unlabelled, before a Tenant owns its destination namespace,
	// the Application gets no tenant defaults.
	name := fmt.Sprintf("late%d", tenantCounter.Add(1))
	late := &tenantv1.Tenant{Spec: tenantv1.TenantSpec{Environment: "staging", Arch: "arm64"}}
	late.Name = name
	app := tenantApplication(late)
	app.SetLabels(nil)
	require.NoError(t, env.Client.Create(ctx, app))
	require.NoError(t, env.Client.Create(ctx, late))
	t.Cleanup(func() { deleteTenant(name) })

	controller := impersonating(t, "system:serviceaccount:argocd:argocd-application-controller")
	current := stored(t, app)
	require.NoError(t, unstructured.SetNestedField(current.Object, "Synced", "status", "sync", "status"))
	// RBAC takes a moment to see the new binding.
	require.Eventually(t, func() bool {
		err := controller.Update(ctx, current.DeepCopy())
		require.False(t, err != nil && !apierrors.IsForbidden(err), "update: %v", err)
		return err == nil
	}, 10*time.Second, 100*time.Millisecond)

	got := stored(t, app)
	status, _, _ := unstructured.NestedString(got.Object, "status", "sync", "status")
	assert.Equal(t, "Synced", status)
	_, found, _ := unstructured.NestedMap(got.Object, "spec", "source", "helm")
	assert.False(t, found, "a status-only update must not be defaulted")
	assert.Empty(t, got.GetFinalizers())
}

// impersonating is a client that acts as user, as Argo CD's controllers do,
// with the rights on Applications that Argo CD grants its controller.
func impersonating(t *testing.T, user string) client.Client {
	grantApplications(t, user)
	cfg := rest.CopyConfig(env.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: []string{"system:serviceaccounts", "system:authenticated"}}
	c, err := client.New(cfg, client.Options{Scheme: env.Client.Scheme()})
	require.NoError(t, err)
	return c
}

func grantApplications(t *testing.T, user string) {
	ctx := context.Background()
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "e2e-applications-"},
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{"argoproj.io"}, Resources: []string{"applications"},
			Verbs: []string{"get", "list", "watch", "update", "patch"},
		}},
	}
	require.NoError(t, env.Client.Create(ctx, role))
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "e2e-applications-"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: user}},
	}
	require.NoError(t, env.Client.Create(ctx, binding))
}
