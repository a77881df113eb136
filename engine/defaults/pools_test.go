package defaults_test

import (
	"testing"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/defaults"
)

// armToleration is the toleration of a tainted arm64 node pool, as JSON.
const armToleration = `[{"key":"kubernetes.io/arch","operator":"Equal","value":"arm64","effect":"NoSchedule"}]`

func armIsTainted(c *clusterconfig.ClusterConfig) { c.TaintedArchPools = []string{"arm64"} }

func TestApplicationOfATenantGetsItsPoolAndMirror(t *testing.T) {
	const chart = `"repoURL":"c","chart":"shop","targetRevision":"1.2.3"`
	const source = "spec.source.helm.valuesObject."
	toleration := defaults.Change{Field: source + "global.tolerations", Value: []any{map[string]any{
		"key": "kubernetes.io/arch", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"}}}
	mirror := func(m string) defaults.Change {
		return defaults.Change{Field: source + "global.imageRegistry", Value: m}
	}
	runValuesCases(t, map[string]valuesCase{
		"a tenant on a tainted arch pool gets a toleration": {
			spec:   `{"source":{` + chart + `}}`,
			config: armIsTainted,
			wantSpec: `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"},` +
				`"tolerations":` + armToleration + `}}}}}`,
			wantChanges: []defaults.Change{archAt("spec.source", "arm64"), toleration},
		},
		"a tenant on an untainted arch gets no toleration": {
			spec:        `{"source":{` + chart + `}}`,
			config:      func(c *clusterconfig.ClusterConfig) { c.TaintedArchPools = []string{"amd64"} },
			wantSpec:    `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}}}`,
			wantChanges: []defaults.Change{archAt("spec.source", "arm64")},
		},
		"existing tolerations, even none, are kept": {
			spec:     `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"},"tolerations":[]}}}}}`,
			config:   armIsTainted,
			wantSpec: `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"},"tolerations":[]}}}}}`,
		},
		"an air-gapped tenant gets its registry mirror": {
			spec:       `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}}}`,
			tenantSpec: `{"arch":"arm64","airGapped":true,"registryMirror":"mirror.shop.example.com"}`,
			config:     func(c *clusterconfig.ClusterConfig) { c.Defaults.RegistryMirror = "mirror.example.com" },
			wantSpec: `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"},` +
				`"imageRegistry":"mirror.shop.example.com"}}}}}`,
			wantChanges: []defaults.Change{mirror("mirror.shop.example.com")},
		},
		"an air-gapped tenant without a mirror gets the cluster's": {
			spec:       `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}}}`,
			tenantSpec: `{"arch":"arm64","airGapped":true}`,
			config:     func(c *clusterconfig.ClusterConfig) { c.Defaults.RegistryMirror = "mirror.example.com" },
			wantSpec: `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"},` +
				`"imageRegistry":"mirror.example.com"}}}}}`,
			wantChanges: []defaults.Change{mirror("mirror.example.com")},
		},
		"an air-gapped tenant gets no mirror when neither it nor the cluster has one": {
			spec:       `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}}}`,
			tenantSpec: `{"arch":"arm64","airGapped":true}`,
			wantSpec:   `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}}}`,
		},
		"a tenant that is not air-gapped gets no mirror, even with one written": {
			spec:       `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}}}`,
			tenantSpec: `{"arch":"arm64","airGapped":false,"registryMirror":"mirror.shop.example.com"}`,
			config:     func(c *clusterconfig.ClusterConfig) { c.Defaults.RegistryMirror = "mirror.example.com" },
			wantSpec:   `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}}}`,
		},
		"an image registry already written is kept": {
			spec:       `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"},"imageRegistry":"own.example.com"}}}}}`,
			tenantSpec: `{"arch":"arm64","airGapped":true,"registryMirror":"mirror.shop.example.com"}`,
			wantSpec:   `{"source":{` + chart + `,"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"},"imageRegistry":"own.example.com"}}}}}`,
		},
		"value paths from the cluster config are honoured": {
			spec:       `{"source":{` + chart + `,"helm":{"valuesObject":{"platform":{"scheduling":{"priority":"high"}}}}}}`,
			tenantSpec: `{"arch":"arm64","airGapped":true,"registryMirror":"mirror.shop.example.com"}`,
			config: func(c *clusterconfig.ClusterConfig) {
				armIsTainted(c)
				c.ValuePaths = clusterconfig.ValuePaths{NodeSelector: "platform.scheduling.nodeSelector",
					Tolerations: "platform.scheduling.tolerations", ImageRegistry: "images.registry"}
			},
			wantSpec: `{"source":{` + chart + `,"helm":{"valuesObject":{"platform":{"scheduling":{"priority":"high",` +
				`"nodeSelector":{"kubernetes.io/arch":"arm64"},"tolerations":` + armToleration + `}},` +
				`"images":{"registry":"mirror.shop.example.com"}}}}}`,
			wantChanges: []defaults.Change{
				{Field: source + "platform.scheduling.nodeSelector.kubernetes.io/arch", Value: "arm64"},
				{Field: source + "platform.scheduling.tolerations", Value: toleration.Value},
				{Field: source + "images.registry", Value: "mirror.shop.example.com"},
			},
		},
	})
}
