package defaults_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/defaults"
)

// valuesCase is an Application of a tenant and the Helm values it should end up with.
type valuesCase struct {
	spec        string // sources carry a targetRevision, so that only values change
	tenantSpec  string // defaults to a staging arm64 tenant
	config      func(*clusterconfig.ClusterConfig)
	wantSpec    string
	wantChanges []defaults.Change
}

func runValuesCases(t *testing.T, tests map[string]valuesCase) {
	t.Helper()
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			app := application(t, tt.spec)
			spec := tt.tenantSpec
			if spec == "" {
				spec = `{"environment":"staging","arch":"arm64"}`
			}

			changes := defaults.Application(app, tenant(t, "shop", spec), configWith(tt.config))

			assert.Equal(t, tt.wantChanges, valueChanges(changes))
			assert.JSONEq(t, tt.wantSpec, specJSON(t, app))
		})
	}
}

// archAt is the change that selects arch at the nodeSelector of source.
func archAt(source, arch string) defaults.Change {
	return defaults.Change{Field: source + ".helm.valuesObject.global.nodeSelector.kubernetes.io/arch", Value: arch}
}

func TestApplicationOfATenantSelectsItsArch(t *testing.T) {
	runValuesCases(t, map[string]valuesCase{
		"a chart in a git path gets the tenant's arch": {
			spec: `{"source":{"repoURL":"r","path":"staging/shop","targetRevision":"HEAD"}}`,
			wantSpec: `{"source":{"repoURL":"r","path":"staging/shop","targetRevision":"HEAD",` +
				`"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}}}`,
			wantChanges: []defaults.Change{archAt("spec.source", "arm64")},
		},
		"a chart from a Helm repository gets the tenant's arch": {
			spec: `{"source":{"repoURL":"https://charts.example.com","chart":"shop","targetRevision":"1.2.3"}}`,
			wantSpec: `{"source":{"repoURL":"https://charts.example.com","chart":"shop","targetRevision":"1.2.3",` +
				`"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}}}`,
			wantChanges: []defaults.Change{archAt("spec.source", "arm64")},
		},
		"a tenant without an arch gets the cluster's default arch": {
			spec:       `{"source":{"repoURL":"r","chart":"shop","targetRevision":"1.2.3"}}`,
			tenantSpec: `{"environment":"staging"}`,
			wantSpec: `{"source":{"repoURL":"r","chart":"shop","targetRevision":"1.2.3",` +
				`"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"amd64"}}}}}}`,
			wantChanges: []defaults.Change{archAt("spec.source", "amd64")},
		},
		"existing values, value files and selectors are kept and the arch added beside them": {
			spec: `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"valueFiles":["values-images.yaml"],` +
				`"values":"ignored: by argo","valuesObject":{"replicas":3,"global":{"domain":"x","nodeSelector":{"disk":"ssd"}}}}}}`,
			wantSpec: `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"valueFiles":["values-images.yaml"],` +
				`"values":"ignored: by argo","valuesObject":{"replicas":3,"global":{"domain":"x",` +
				`"nodeSelector":{"disk":"ssd","kubernetes.io/arch":"arm64"}}}}}}`,
			wantChanges: []defaults.Change{archAt("spec.source", "arm64")},
		},
		"a conflicting arch is kept for app-arch-mismatch to refuse": {
			spec:     `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"amd64"}}}}}}`,
			wantSpec: `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"amd64"}}}}}}`,
		},
		"an arch set to null, which in Helm drops the chart's own, is kept": {
			spec:     `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":null}}}}}}`,
			wantSpec: `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":null}}}}}}`,
		},
		"a value on the path that is not an object is left alone": {
			spec:     `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"valuesObject":{"global":["a"]}}}}`,
			wantSpec: `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"valuesObject":{"global":["a"]}}}}`,
		},
		"a valuesObject that is not an object leaves the source alone": {
			spec:     `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"valuesObject":"global: {}"}}}`,
			wantSpec: `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"valuesObject":"global: {}"}}}`,
		},
		"inline values without a valuesObject are left alone, as a valuesObject would replace them": {
			spec:     `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"values":"replicas: 3"}}}`,
			wantSpec: `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"values":"replicas: 3"}}}`,
		},
		"a null helm and valuesObject are filled in": {
			spec: `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"valuesObject":null,"values":""}}}`,
			wantSpec: `{"source":{"repoURL":"r","path":"p","targetRevision":"HEAD","helm":{"values":"",` +
				`"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}}}`,
			wantChanges: []defaults.Change{archAt("spec.source", "arm64")},
		},
		"the hydrator's dry source gets the arch too": {
			spec: `{"sourceHydrator":{"drySource":{"repoURL":"r","path":"staging/shop","targetRevision":"HEAD"},"syncSource":{"targetBranch":"env/staging","path":"shop"}}}`,
			wantSpec: `{"sourceHydrator":{"drySource":{"repoURL":"r","path":"staging/shop","targetRevision":"HEAD",` +
				`"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}},"syncSource":{"targetBranch":"env/staging","path":"shop"}}}`,
			wantChanges: []defaults.Change{archAt("spec.sourceHydrator.drySource", "arm64")},
		},
	})
}
