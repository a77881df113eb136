package defaults_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/defaults"
)

func TestApplicationOfATenantGetsEveryDefault(t *testing.T) {
	app := applicationWithMetadata(t, `{"name":"shop","namespace":"argocd"}`,
		`{"project":"tenant-shop","source":{"repoURL":"r","path":"production/shop"}}`)
	shop := tenant(t, "shop", `{"environment":"production","arch":"arm64","airGapped":true,"registryMirror":"mirror.example.com"}`)
	cfg := configWith(func(c *clusterconfig.ClusterConfig) { c.TaintedArchPools = []string{"arm64"} })

	changes := defaults.Application(app, shop, cfg)

	// At: labels, finalizers and helm did not exist, so the patch adds them whole.
	helm := []string{"spec", "source", "helm"}
	assert.Equal(t, []defaults.Change{
		{Field: "spec.source.targetRevision", Value: "HEAD", At: []string{"spec", "source", "targetRevision"}},
		{Field: "metadata.labels[tenantguard.io/tenant]", Value: "shop", At: []string{"metadata", "labels"}},
		{Field: "metadata.labels[tenantguard.io/environment]", Value: "production", At: []string{"metadata", "labels"}},
		{Field: "metadata.finalizers", Value: "resources-finalizer.argocd.argoproj.io", At: []string{"metadata", "finalizers"}},
		{Field: "spec.source.helm.valuesObject.global.nodeSelector.kubernetes.io/arch", Value: "arm64", At: helm},
		{Field: "spec.source.helm.valuesObject.global.tolerations", Value: []any{map[string]any{
			"key": "kubernetes.io/arch", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"}}, At: helm},
		{Field: "spec.source.helm.valuesObject.global.imageRegistry", Value: "mirror.example.com", At: helm},
	}, changes)
	assert.JSONEq(t, `{"name":"shop","namespace":"argocd",
		"labels":{"tenantguard.io/tenant":"shop","tenantguard.io/environment":"production"},
		"finalizers":["resources-finalizer.argocd.argoproj.io"]}`, toJSON(t, app["metadata"]))
	assert.JSONEq(t, `{"project":"tenant-shop","source":{"repoURL":"r","path":"production/shop","targetRevision":"HEAD",
		"helm":{"valuesObject":{"global":{
			"nodeSelector":{"kubernetes.io/arch":"arm64"},
			"tolerations":[{"key":"kubernetes.io/arch","operator":"Equal","value":"arm64","effect":"NoSchedule"}],
			"imageRegistry":"mirror.example.com"}}}}}`, specJSON(t, app))
}

func TestApplicationDefaultedTwiceChangesNothing(t *testing.T) {
	app := applicationWithMetadata(t, `{"name":"shop","labels":{"team":"a"},"finalizers":["x"]}`,
		`{"sources":[{"repoURL":"c","chart":"shop","targetRevision":"1.0.0"},{"repoURL":"g","ref":"values"}]}`)
	shop := tenant(t, "shop", `{"environment":"staging","arch":"arm64","airGapped":true}`)
	cfg := configWith(func(c *clusterconfig.ClusterConfig) {
		c.TaintedArchPools = []string{"arm64"}
		c.Defaults.RegistryMirror = "mirror.example.com"
	})
	require.NotEmpty(t, defaults.Application(app, shop, cfg))
	once := toJSON(t, app)

	changes := defaults.Application(app, shop, cfg)

	assert.Empty(t, changes)
	assert.Equal(t, once, toJSON(t, app))
}

// Where the objects on the way exist, each change is added at its own field:
// a label beside others, a finalizer appended, a value in the values object
// under the first object it had to create.
func TestChangesAreAddedAtTheirOwnFieldBesideWhatExists(t *testing.T) {
	app := applicationWithMetadata(t, `{"name":"shop","namespace":"argocd","labels":{"team":"a"},"finalizers":["x"]}`,
		`{"project":"tenant-shop","sources":[{"repoURL":"r","path":"staging/shop","targetRevision":"main",`+
			`"helm":{"valuesObject":{"global":{"image":"i"}}}}]}`)

	changes := defaults.Application(app, tenant(t, "shop", `{"environment":"staging","arch":"arm64"}`), nil)

	var places [][]string
	for _, c := range changes {
		places = append(places, c.At)
	}
	assert.Equal(t, [][]string{
		{"metadata", "labels", "tenantguard.io/tenant"},
		{"metadata", "labels", "tenantguard.io/environment"},
		{"metadata", "finalizers", "-"},
		{"spec", "sources", "0", "helm", "valuesObject", "global", "nodeSelector"},
	}, places)
}

func TestApplicationWithoutAConfigUsesTheDefaultOne(t *testing.T) {
	app := application(t, `{"source":{"repoURL":"r","chart":"shop","targetRevision":"1.0.0"}}`)

	changes := defaults.Application(app, tenant(t, "shop", `{"environment":"staging"}`), nil)

	assert.Equal(t, []defaults.Change{
		{Field: "spec.source.helm.valuesObject.global.nodeSelector.kubernetes.io/arch", Value: "amd64"},
	}, valueChanges(changes))
}
