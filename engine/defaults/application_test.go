package defaults_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/defaults"
)

func TestApplicationFillsInTheTrackedRevision(t *testing.T) {
	tests := map[string]struct {
		spec        string
		wantSpec    string // as json.Marshal writes it: keys sorted
		wantChanged []string
	}{
		"a single source without targetRevision tracks HEAD": {
			spec:        `{"source":{"repoURL":"r","path":"p"}}`,
			wantSpec:    `{"source":{"path":"p","repoURL":"r","targetRevision":"HEAD"}}`,
			wantChanged: []string{"spec.source.targetRevision"},
		},
		"an empty targetRevision becomes HEAD": {
			spec:        `{"source":{"repoURL":"r","targetRevision":""}}`,
			wantSpec:    `{"source":{"repoURL":"r","targetRevision":"HEAD"}}`,
			wantChanged: []string{"spec.source.targetRevision"},
		},
		"a null targetRevision becomes HEAD": {
			spec:        `{"source":{"repoURL":"r","targetRevision":null}}`,
			wantSpec:    `{"source":{"repoURL":"r","targetRevision":"HEAD"}}`,
			wantChanged: []string{"spec.source.targetRevision"},
		},
		"only the sources entries without a revision are filled in": {
			spec: `{"sources":[{"repoURL":"a"},{"repoURL":"b","targetRevision":"main"},{"repoURL":"c","targetRevision":""}]}`,
			wantSpec: `{"sources":[{"repoURL":"a","targetRevision":"HEAD"},{"repoURL":"b","targetRevision":"main"},` +
				`{"repoURL":"c","targetRevision":"HEAD"}]}`,
			wantChanged: []string{"spec.sources[0].targetRevision", "spec.sources[2].targetRevision"},
		},
		"the hydrator's dry source tracks HEAD and its sync source is left alone": {
			spec:        `{"sourceHydrator":{"drySource":{"repoURL":"r"},"syncSource":{"targetBranch":"env/prod"}}}`,
			wantSpec:    `{"sourceHydrator":{"drySource":{"repoURL":"r","targetRevision":"HEAD"},"syncSource":{"targetBranch":"env/prod"}}}`,
			wantChanged: []string{"spec.sourceHydrator.drySource.targetRevision"},
		},
		"every kind of source is filled in, in order": {
			spec: `{"source":{"repoURL":"a"},"sources":[{"repoURL":"b"}],"sourceHydrator":{"drySource":{"repoURL":"c"}}}`,
			wantSpec: `{"source":{"repoURL":"a","targetRevision":"HEAD"},` +
				`"sourceHydrator":{"drySource":{"repoURL":"c","targetRevision":"HEAD"}},"sources":[{"repoURL":"b","targetRevision":"HEAD"}]}`,
			wantChanged: []string{"spec.source.targetRevision", "spec.sources[0].targetRevision",
				"spec.sourceHydrator.drySource.targetRevision"},
		},
		"a branch name is never overwritten": {
			spec:     `{"source":{"repoURL":"r","targetRevision":"main"}}`,
			wantSpec: `{"source":{"repoURL":"r","targetRevision":"main"}}`,
		},
		"a pinned commit is never overwritten, even though the rules refuse it": {
			spec:     `{"source":{"repoURL":"r","targetRevision":"3f1c9a0b2d4e6f8091a2b3c4d5e6f708192a3b4c"}}`,
			wantSpec: `{"source":{"repoURL":"r","targetRevision":"3f1c9a0b2d4e6f8091a2b3c4d5e6f708192a3b4c"}}`,
		},
		"a chart version is never overwritten": {
			spec:     `{"source":{"repoURL":"https://charts.example.com","chart":"shop","targetRevision":"1.2.3"}}`,
			wantSpec: `{"source":{"chart":"shop","repoURL":"https://charts.example.com","targetRevision":"1.2.3"}}`,
		},
		"fields besides targetRevision, large numbers included, are untouched": {
			spec: `{"project":"shop","revisionHistoryLimit":12345678901234567890,"source":{"repoURL":"r",` +
				`"helm":{"valuesObject":{"replicas":3,"ratio":0.5,"tags":["a","b"],"empty":null}}}}`,
			wantSpec: `{"project":"shop","revisionHistoryLimit":12345678901234567890,"source":{` +
				`"helm":{"valuesObject":{"empty":null,"ratio":0.5,"replicas":3,"tags":["a","b"]}},"repoURL":"r","targetRevision":"HEAD"}}`,
			wantChanged: []string{"spec.source.targetRevision"},
		},
		"an Application without sources is left alone": {
			spec:     `{"project":"shop"}`,
			wantSpec: `{"project":"shop"}`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			app := application(t, tt.spec)

			changes := defaults.Application(app, nil, clusterconfig.Default())

			var changed []string
			for _, c := range changes {
				changed = append(changed, c.Field)
				assert.Equal(t, defaults.TrackedRevision(clusterconfig.Default()), c.Value, "value set at %s", c.Field)
			}
			assert.Equal(t, tt.wantChanged, changed)
			// Compared as text, not JSONEq, so numbers must survive digit for digit.
			assert.Equal(t, tt.wantSpec, specJSON(t, app))
		})
	}
}

func TestApplicationWithoutATenantLeavesMetadataAndKindAlone(t *testing.T) {
	app := application(t, `{"source":{"repoURL":"r"}}`)

	defaults.Application(app, nil, clusterconfig.Default())

	assert.Equal(t, "Application", app["kind"])
	assert.Equal(t, map[string]any{"name": "shop", "namespace": "argocd"}, app["metadata"])
}

func TestApplicationWithoutATenantOnlyTracksHead(t *testing.T) {
	app := applicationWithMetadata(t, `{"name":"shop","namespace":"argocd"}`,
		`{"source":{"repoURL":"r","path":"staging/shop"}}`)
	cfg := configWith(func(c *clusterconfig.ClusterConfig) {
		c.TaintedArchPools = []string{"amd64"}
		c.Defaults.RegistryMirror = "mirror.example.com"
	})

	changes := defaults.Application(app, nil, cfg)

	assert.Equal(t, []string{"spec.source.targetRevision"}, fieldsOf(changes))
	assert.JSONEq(t, `{"name":"shop","namespace":"argocd"}`, toJSON(t, app["metadata"]), "no labels, no finalizer")
	assert.JSONEq(t, `{"source":{"repoURL":"r","path":"staging/shop","targetRevision":"HEAD"}}`, specJSON(t, app),
		"no helm values")
}
