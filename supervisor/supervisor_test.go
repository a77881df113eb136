package supervisor

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/clusterconfig"
)

func tenant(name string, spec tenantv1.TenantSpec) *tenantv1.Tenant {
	t := &tenantv1.Tenant{Spec: spec}
	t.Name, t.UID = name, types.UID("uid-"+name)
	return t
}

func TestCovers(t *testing.T) {
	desired := map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"a": "1"}, "finalizers": []any{"f"}},
		"spec":     map[string]any{"list": []any{"x", "y"}, "n": int64(3), "empty": []any{}},
	}
	cases := map[string]struct {
		live map[string]any
		want bool
	}{
		"an object with more labels, finalizers and fields covers what was applied": {
			map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"a": "1", "b": "2"}, "finalizers": []any{"g", "f"}},
				"spec":     map[string]any{"list": []any{"x", "y"}, "n": float64(3), "extra": true},
			}, true,
		},
		"a changed label does not": {
			map[string]any{"metadata": map[string]any{"labels": map[string]any{"a": "2"}, "finalizers": []any{"f"}}, "spec": map[string]any{"list": []any{"x", "y"}, "n": int64(3)}},
			false,
		},
		"a removed finalizer does not": {
			map[string]any{"metadata": map[string]any{"labels": map[string]any{"a": "1"}}, "spec": map[string]any{"list": []any{"x", "y"}, "n": int64(3)}},
			false,
		},
		"a spec list with an entry added does not: spec lists are replaced whole": {
			map[string]any{"metadata": map[string]any{"labels": map[string]any{"a": "1"}, "finalizers": []any{"f"}}, "spec": map[string]any{"list": []any{"x", "y", "*"}, "n": int64(3)}},
			false,
		},
		"a changed number does not": {
			map[string]any{"metadata": map[string]any{"labels": map[string]any{"a": "1"}, "finalizers": []any{"f"}}, "spec": map[string]any{"list": []any{"x", "y"}, "n": int64(4)}},
			false,
		},
		"a missing object does not": {map[string]any{}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, covers(tc.live, desired))
		})
	}
}

func TestDesiredObjectsOfAStagingTenant(t *testing.T) {
	cfg := clusterconfig.Default()
	cfg.Supervisor.RepoURL = "https://git.example.com/platform.git"
	cfg.Supervisor.Notifications = map[string][]clusterconfig.Subscription{"staging": {{Trigger: "on-sync-succeeded", Service: "slack", Recipients: "ops"}}}
	tn := tenant("shop", tenantv1.TenantSpec{Environment: "staging", Components: []string{"grafana"}})
	f := factsOf(tn, cfg)

	ns := desiredNamespace(tn, f, cfg)
	assert.Equal(t, "tenant-shop", ns.GetName())
	assert.Equal(t, map[string]string{
		"tenantguard.io/tenant": "shop", "tenantguard.io/environment": "staging", "app.kubernetes.io/managed-by": "tenantguard",
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted",
	}, ns.GetLabels())
	assert.True(t, ownedBy(ns, tn))

	project := desiredProject(tn, f, cfg)
	assert.Equal(t, "argocd", project.GetNamespace())
	assert.Equal(t, "tenant-shop", project.GetName())
	assert.Equal(t, []any{"https://git.example.com/platform.git"}, project.Object["spec"].(map[string]any)["sourceRepos"], "the platform repo when no allowlist is set")

	app, err := desiredApplication(tn, f, cfg)
	require.NoError(t, err)
	spec := app.Object["spec"].(map[string]any)
	source := spec["source"].(map[string]any)
	assert.Equal(t, "staging/tenant", source["path"])
	assert.Equal(t, "HEAD", source["targetRevision"], "the webhook's defaults, by its own code")
	values := source["helm"].(map[string]any)["valuesObject"].(map[string]any)
	assert.Equal(t, map[string]any{"enabled": true}, values["grafana"])
	assert.Equal(t, map[string]any{"kubernetes.io/arch": "amd64"}, values["global"].(map[string]any)["nodeSelector"], "the Tenant's arch")
	assert.Equal(t, map[string]string{"notifications.argoproj.io/subscribe.on-sync-succeeded.slack": "ops"}, app.GetAnnotations())
	assert.Equal(t, []string{"resources-finalizer.argocd.argoproj.io"}, app.GetFinalizers())
}

func TestTheAllowlistIsTheProjectsRepositories(t *testing.T) {
	cfg := clusterconfig.Default()
	cfg.Supervisor.RepoURL = "https://git.example.com/platform.git"
	cfg.AllowedRepos = []string{"https://git.example.com/platform.git", "https://git.example.com/charts.git"}
	tn := tenant("shop", tenantv1.TenantSpec{Environment: "production"})
	project := desiredProject(tn, factsOf(tn, cfg), cfg)
	assert.Equal(t, []any{"https://git.example.com/platform.git", "https://git.example.com/charts.git"}, project.Object["spec"].(map[string]any)["sourceRepos"])
}

func TestNamespaceResourcesFollowTheEnvironment(t *testing.T) {
	cfg := clusterconfig.Default()
	cfg.Supervisor.NamespaceResources = map[string]clusterconfig.NamespaceResources{"production": {
		ResourceQuota:            &corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("10")}},
		DefaultDenyNetworkPolicy: true,
	}}
	specs := func(env string) map[string]bool {
		tn := tenant("shop", tenantv1.TenantSpec{Environment: env})
		resources, err := namespaceResources(factsOf(tn, cfg), cfg)
		assert.NoError(t, err)
		out := map[string]bool{}
		for _, r := range resources {
			out[r.gvk.Kind] = r.spec != nil
		}
		return out
	}
	assert.Equal(t, map[string]bool{"ResourceQuota": true, "LimitRange": false, "NetworkPolicy": true}, specs("production"))
	assert.Equal(t, map[string]bool{"ResourceQuota": false, "LimitRange": false, "NetworkPolicy": false}, specs("staging"),
		"listed without a spec, so that one the config no longer asks for is deleted")
}

func TestReadinessIsTheFirstConditionNotTrue(t *testing.T) {
	ok := isTrue(tenantv1.ConditionNamespaceReady, ReasonApplied, "ok")
	conflict := isFalse(tenantv1.ConditionProjectReady, ReasonProjectConflict, "taken")
	waitingFor := isFalse(tenantv1.ConditionApplicationReady, ReasonWaitingForProject, "waiting")

	ready := readiness([]metav1.Condition{ok, conflict, waitingFor})
	assert.Equal(t, metav1.ConditionFalse, ready.Status)
	assert.Equal(t, ReasonProjectConflict, ready.Reason)
	assert.Equal(t, "ProjectReady: taken", ready.Message)
	assert.Equal(t, metav1.ConditionTrue, readiness([]metav1.Condition{ok}).Status)
}

func TestObjectsMapToTheirTenant(t *testing.T) {
	tn := tenant("shop", tenantv1.TenantSpec{Environment: "staging"})
	owned := desiredNamespace(tn, factsOf(tn, clusterconfig.Default()), clusterconfig.Default())
	assert.Equal(t, "shop", toTenant(t.Context(), owned)[0].Name, "by the controller reference")

	labelled := &unstructured.Unstructured{}
	labelled.SetLabels(map[string]string{tenantv1.TenantLabel: "blog"})
	assert.Equal(t, "blog", toTenant(t.Context(), labelled)[0].Name, "else by the tenant label")
	assert.Empty(t, toTenant(t.Context(), &unstructured.Unstructured{}))
}

func TestTenantsAreCountedByCondition(t *testing.T) {
	counts := map[string]map[metav1.ConditionStatus]int{}
	for _, typ := range conditionTypes {
		counts[typ] = map[metav1.ConditionStatus]int{}
	}
	countConditions(counts, []metav1.Condition{{Type: tenantv1.ConditionReady, Status: metav1.ConditionTrue}, {Type: "Audited", Status: metav1.ConditionFalse}})
	countConditions(counts, nil)
	assert.Equal(t, 1, counts[tenantv1.ConditionReady][metav1.ConditionTrue])
	assert.Equal(t, 1, counts[tenantv1.ConditionReady][metav1.ConditionUnknown], "a Tenant not yet reconciled")
	assert.Equal(t, 2, counts[tenantv1.ConditionApplicationReady][metav1.ConditionUnknown])
	assert.NotContains(t, counts, "Audited", "only the supervisor's conditions")
}

func TestTheCacheKeepsOfAnApplicationWhatTheSupervisorReads(t *testing.T) {
	sent := `{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": {"name": "a", "namespace": "argocd", "labels": {"tenantguard.io/tenant": "t"},
			"managedFields": [{"manager": "x", "operation": "Apply"}]},
		"spec": {"project": "p", "source": {"repoURL": "https://git.example.com/r.git", "helm": {"valuesObject": {"replicas": 3}}}},
		"operation": {"sync": {}},
		"status": {"sync": {"status": "Synced", "revision": "abc"}, "health": {"status": "Healthy"},
			"resources": [{"kind": "Deployment"}], "history": [{"id": 1}]}}`
	var cached cachedApplication
	require.NoError(t, json.Unmarshal([]byte(sent), &cached))
	cached.TypeMeta = metav1.TypeMeta{} // as the cache hands typed objects out
	got, err := asUnstructured(cached.DeepCopyObject().(client.Object), applicationGVK)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"sync": map[string]any{"status": "Synced"}, "health": map[string]any{"status": "Healthy"}}, got.Object["status"])
	assert.NotContains(t, got.Object, "operation")
	assert.Equal(t, applicationGVK, got.GroupVersionKind())
	assert.Equal(t, map[string]string{"tenantguard.io/tenant": "t"}, got.GetLabels())
	assert.NotContains(t, got.Object, "spec", "the cache holds the spec's digest, not the spec")
	desired := map[string]any{
		"metadata": map[string]any{"name": "a", "labels": map[string]any{"tenantguard.io/tenant": "t"}},
		"spec":     map[string]any{"source": map[string]any{"helm": map[string]any{"valuesObject": map[string]any{"replicas": int64(3)}}, "repoURL": "https://git.example.com/r.git"}, "project": "p"},
	}
	built, err := digestOf(desired["spec"])
	require.NoError(t, err)
	assert.Equal(t, built, *heldDigest(&cached), "the spec sent and the same spec built digest alike, whatever the order of keys and the type of numbers")
	desired["spec"].(map[string]any)["project"] = "q"
	changed, err := digestOf(desired["spec"])
	require.NoError(t, err)
	assert.NotEqual(t, changed, *heldDigest(&cached), "another spec, another digest")
	delete(desired, "spec")
	assert.True(t, covers(got.Object, desired), "the metadata is kept")
	sync, health := syncAndHealth(got)
	assert.Equal(t, "Synced", sync)
	assert.Equal(t, "Healthy", health)
}

func TestEveryKindTheSupervisorWritesIsCachedTyped(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(scheme))
	require.NoError(t, AddToScheme(scheme))
	for _, gvk := range ownedKinds {
		kinds, _, err := scheme.ObjectKinds(cachedObject(gvk))
		require.NoError(t, err, gvk.String())
		assert.Equal(t, []schema.GroupVersionKind{gvk}, kinds)
		list, err := scheme.New(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		require.NoError(t, err, "the informer lists %s", gvk.Kind)
		assert.NotNil(t, list)
	}
}

func TestTheCacheKeepsOfNamespacesAndQuotasWhatTheSupervisorReads(t *testing.T) {
	var based []string
	base := func(obj any) (any, error) {
		based = append(based, obj.(client.Object).GetName())
		return obj, nil
	}
	transforms := map[string]func(any) (any, error){}
	for obj, by := range CacheByObject(base) {
		require.NotNil(t, by.Transform, "%T", obj)
		transforms[fmt.Sprintf("%T", obj)] = by.Transform
	}

	ns := &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{Name: "tenant-shop", Labels: map[string]string{
			corev1.LabelMetadataName: "tenant-shop", tenantv1.TenantLabel: "shop", ManagedByLabel: ManagedBy,
		}},
		Spec:   corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{corev1.FinalizerKubernetes}},
		Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive},
	}
	out, err := transforms["*v1.Namespace"](ns)
	require.NoError(t, err)
	got := out.(*corev1.Namespace)
	assert.Equal(t, map[string]string{tenantv1.TenantLabel: "shop", ManagedByLabel: ManagedBy}, got.Labels, "the labels the supervisor applies stay")
	assert.Zero(t, got.Spec)
	assert.Zero(t, got.Status)

	pods := corev1.ResourceList{corev1.ResourcePods: resource.MustParse("50")}
	quota := &corev1.ResourceQuota{
		ObjectMeta: metav1.ObjectMeta{Name: "tenant"},
		Spec:       corev1.ResourceQuotaSpec{Hard: pods},
		Status:     corev1.ResourceQuotaStatus{Hard: pods, Used: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("3")}},
	}
	out, err = transforms["*v1.ResourceQuota"](quota)
	require.NoError(t, err)
	assert.Equal(t, pods, out.(*corev1.ResourceQuota).Spec.Hard, "the spec the supervisor compares stays")
	assert.Zero(t, out.(*corev1.ResourceQuota).Status)
	assert.Equal(t, []string{"tenant-shop", "tenant"}, based, "the cache's own transform comes first")
}
