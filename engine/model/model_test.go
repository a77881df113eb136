package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

func tenant(name string, spec map[string]any) map[string]any {
	return map[string]any{"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": map[string]any{"name": name}, "spec": spec}
}

func TestFirstOfNameKeepsTheFirstAndDropsTheNameless(t *testing.T) {
	first := tenant("shop", map[string]any{"arch": "arm64"})
	second := tenant("shop", map[string]any{"arch": "amd64"})
	other := tenant("blog", nil)
	nameless := map[string]any{"kind": "Tenant"}

	got := model.FirstOfName([]map[string]any{first, nameless, other, second})

	assert.Equal(t, []map[string]any{first, other}, got)
}

func TestKindOfObjectReadsGroupAndKind(t *testing.T) {
	for obj, want := range map[*map[string]any]bool{
		{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application"}:        true,
		{"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant"}:          true,
		{"apiVersion": "tenantguard.io/v1alpha1", "kind": "PolicyException"}: true,
		{"apiVersion": "argoproj.io/v1alpha1", "kind": "PolicyException"}:    false,
		{"apiVersion": "evil.example.com/v1", "kind": "Application"}:         false,
		{"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject"}:         false,
		{"apiVersion": 5, "kind": "Application"}:                             false,
	} {
		_, ok := model.KindOfObject(*obj)
		assert.Equal(t, want, ok, "%v", *obj)
	}
}

func TestATenantsNamespaceAndArchFallBackToTheConfig(t *testing.T) {
	cfg := clusterconfig.Default()
	cfg.Defaults.Arch = "arm64"

	assert.Equal(t, "tenant-shop", model.OwnedNamespace(tenant("shop", nil), cfg))
	assert.Equal(t, "shop-ns", model.OwnedNamespace(tenant("shop", map[string]any{"namespace": "shop-ns"}), cfg))
	assert.Equal(t, "arm64", model.EffectiveArch(tenant("shop", nil), cfg))
	assert.Equal(t, "amd64", model.EffectiveArch(tenant("shop", map[string]any{"arch": "amd64"}), cfg))
}

func TestSourcesListsEverySourceWithItsPath(t *testing.T) {
	app := map[string]any{"spec": map[string]any{
		"source":         map[string]any{"repoURL": "a"},
		"sources":        []any{map[string]any{"repoURL": "b"}, "not a source", map[string]any{"repoURL": "c"}},
		"sourceHydrator": map[string]any{"drySource": map[string]any{"repoURL": "d"}},
	}}

	var paths []string
	for _, src := range model.Sources(app) {
		paths = append(paths, src.Path.String()+"="+src.Fields["repoURL"].(string))
	}

	assert.Equal(t, []string{"spec.source=a", "spec.sources[0]=b", "spec.sources[2]=c", "spec.sourceHydrator.drySource=d"}, paths)
}

func TestAClustersFieldAndWhetherItIsInCluster(t *testing.T) {
	cfg := clusterconfig.Default()
	assert.Equal(t, "https://kubernetes.default.svc", model.ClusterOf("", cfg), "the default destination")
	assert.Equal(t, "edge", model.ClusterOf("edge", cfg))
	assert.Equal(t, "server", model.DestinationField("https://edge.example.com:6443"))
	assert.Equal(t, "name", model.DestinationField("edge"))
	assert.True(t, model.InCluster("https://kubernetes.default.svc"))
	assert.True(t, model.InCluster("in-cluster"))
	assert.False(t, model.InCluster("https://edge.example.com:6443"))
}
