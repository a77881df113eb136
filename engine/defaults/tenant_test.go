package defaults_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/defaults"
)

func TestTenantFillsInTheClusterDefaults(t *testing.T) {
	const inCluster = "https://kubernetes.default.svc"
	namespace := defaults.Change{Field: "spec.namespace", Value: "tenant-shop"}
	arch := defaults.Change{Field: "spec.arch", Value: "amd64"}
	destination := defaults.Change{Field: "spec.destination", Value: inCluster}
	withMirror := func(c *clusterconfig.ClusterConfig) { c.Defaults.RegistryMirror = "mirror.example.com" }
	tests := map[string]struct {
		spec        string
		unnamed     bool // the Tenant's metadata.name is empty
		config      func(*clusterconfig.ClusterConfig)
		wantSpec    string
		wantChanges []defaults.Change
	}{
		"a Tenant that names only its environment gets namespace, arch and destination": {
			spec:        `{"environment":"staging"}`,
			wantSpec:    `{"environment":"staging","namespace":"tenant-shop","arch":"amd64","destination":"` + inCluster + `"}`,
			wantChanges: []defaults.Change{namespace, arch, destination},
		},
		"a Tenant without a spec gets one": {
			spec:        `null`,
			wantSpec:    `{"namespace":"tenant-shop","arch":"amd64","destination":"` + inCluster + `"}`,
			wantChanges: []defaults.Change{namespace, arch, destination},
		},
		"empty and null fields are filled in": {
			spec:        `{"namespace":"","arch":null,"destination":""}`,
			wantSpec:    `{"namespace":"tenant-shop","arch":"amd64","destination":"` + inCluster + `"}`,
			wantChanges: []defaults.Change{namespace, arch, destination},
		},
		"values the Tenant wrote are kept": {
			spec:     `{"namespace":"shop-prod","arch":"arm64","destination":"eu-west","components":["loki"]}`,
			wantSpec: `{"namespace":"shop-prod","arch":"arm64","destination":"eu-west","components":["loki"]}`,
		},
		"the namespace prefix comes from the cluster config": {
			spec:        `{"arch":"arm64","destination":"eu-west"}`,
			config:      func(c *clusterconfig.ClusterConfig) { c.TenantNaming.NamespacePrefix = "t-" },
			wantSpec:    `{"namespace":"t-shop","arch":"arm64","destination":"eu-west"}`,
			wantChanges: []defaults.Change{{Field: "spec.namespace", Value: "t-shop"}},
		},
		"arch and destination come from the cluster config": {
			spec: `{"namespace":"shop"}`,
			config: func(c *clusterconfig.ClusterConfig) {
				c.Defaults.Arch = "arm64"
				c.Defaults.Destination = "eu-west"
			},
			wantSpec: `{"namespace":"shop","arch":"arm64","destination":"eu-west"}`,
			wantChanges: []defaults.Change{{Field: "spec.arch", Value: "arm64"},
				{Field: "spec.destination", Value: "eu-west"}},
		},
		"a Tenant without a name gets no namespace": {
			spec:        `{"arch":"arm64","destination":"eu-west"}`,
			unnamed:     true,
			wantSpec:    `{"arch":"arm64","destination":"eu-west"}`,
			wantChanges: nil,
		},
		"an air-gapped Tenant without a mirror gets the cluster's": {
			spec:        `{"namespace":"shop","arch":"arm64","destination":"d","airGapped":true,"registryMirror":""}`,
			config:      withMirror,
			wantSpec:    `{"namespace":"shop","arch":"arm64","destination":"d","airGapped":true,"registryMirror":"mirror.example.com"}`,
			wantChanges: []defaults.Change{{Field: "spec.registryMirror", Value: "mirror.example.com"}},
		},
		"an air-gapped Tenant keeps its own mirror": {
			spec:     `{"namespace":"shop","arch":"arm64","destination":"d","airGapped":true,"registryMirror":"own.example.com"}`,
			config:   withMirror,
			wantSpec: `{"namespace":"shop","arch":"arm64","destination":"d","airGapped":true,"registryMirror":"own.example.com"}`,
		},
		"an air-gapped Tenant gets no mirror when the cluster has none, for tenant-air-gapped-mirror to refuse": {
			spec:     `{"namespace":"shop","arch":"arm64","destination":"d","airGapped":true}`,
			wantSpec: `{"namespace":"shop","arch":"arm64","destination":"d","airGapped":true}`,
		},
		"a Tenant that is not air-gapped gets no mirror": {
			spec:     `{"namespace":"shop","arch":"arm64","destination":"d","airGapped":false}`,
			config:   withMirror,
			wantSpec: `{"namespace":"shop","arch":"arm64","destination":"d","airGapped":false}`,
		},
		"a spec that is not an object is left alone": {
			spec:     `"staging"`,
			wantSpec: `"staging"`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			tenantName := "shop"
			if tt.unnamed {
				tenantName = ""
			}
			obj := tenant(t, tenantName, tt.spec)

			changes := defaults.Tenant(obj, configWith(tt.config))

			assert.Equal(t, tt.wantChanges, fieldValues(changes))
			assert.JSONEq(t, tt.wantSpec, toJSON(t, obj["spec"]))
		})
	}
}

func TestTenantWithoutAConfigUsesTheDefaultOne(t *testing.T) {
	obj := tenant(t, "shop", `{"environment":"production","arch":"arm64","destination":"d"}`)

	changes := defaults.Tenant(obj, nil)

	assert.Equal(t, []defaults.Change{{Field: "spec.namespace", Value: "tenant-shop"}}, fieldValues(changes))
}
