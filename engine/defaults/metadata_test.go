package defaults_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/defaults"
)

func TestApplicationOfATenantIsLabelledAndFinalized(t *testing.T) {
	const finalizer = defaults.ResourcesFinalizer
	tenantLabel := defaults.Change{Field: "metadata.labels[tenantguard.io/tenant]", Value: "shop"}
	envLabel := defaults.Change{Field: "metadata.labels[tenantguard.io/environment]", Value: "staging"}
	finalized := defaults.Change{Field: "metadata.finalizers", Value: finalizer}
	tests := map[string]struct {
		metadata     string
		tenantSpec   string
		wantMetadata string
		wantChanges  []defaults.Change
	}{
		"labels and finalizers are created when the Application has none": {
			metadata: `{"name":"shop"}`,
			wantMetadata: `{"name":"shop","labels":{"tenantguard.io/tenant":"shop","tenantguard.io/environment":"staging"},` +
				`"finalizers":["` + finalizer + `"]}`,
			wantChanges: []defaults.Change{tenantLabel, envLabel, finalized},
		},
		"metadata is created when the Application has none": {
			metadata: `null`,
			wantMetadata: `{"labels":{"tenantguard.io/tenant":"shop","tenantguard.io/environment":"staging"},` +
				`"finalizers":["` + finalizer + `"]}`,
			wantChanges: []defaults.Change{tenantLabel, envLabel, finalized},
		},
		"other labels are kept and the missing ones added beside them": {
			metadata: `{"labels":{"team":"payments","tenantguard.io/environment":"staging"},"finalizers":null}`,
			wantMetadata: `{"labels":{"team":"payments","tenantguard.io/tenant":"shop","tenantguard.io/environment":"staging"},` +
				`"finalizers":["` + finalizer + `"]}`,
			wantChanges: []defaults.Change{tenantLabel, finalized},
		},
		"labels naming another tenant and environment are kept for the rules to refuse": {
			metadata: `{"labels":{"tenantguard.io/tenant":"other","tenantguard.io/environment":"production"},"finalizers":["` + finalizer + `"]}`,
			wantMetadata: `{"labels":{"tenantguard.io/tenant":"other","tenantguard.io/environment":"production"},` +
				`"finalizers":["` + finalizer + `"]}`,
		},
		"an empty tenant label is filled in": {
			metadata: `{"labels":{"tenantguard.io/tenant":"","tenantguard.io/environment":"staging"},"finalizers":["` + finalizer + `"]}`,
			wantMetadata: `{"labels":{"tenantguard.io/tenant":"shop","tenantguard.io/environment":"staging"},` +
				`"finalizers":["` + finalizer + `"]}`,
			wantChanges: []defaults.Change{tenantLabel},
		},
		"a tenant without an environment gives only the tenant label": {
			metadata:     `{"finalizers":["` + finalizer + `"]}`,
			tenantSpec:   `{}`,
			wantMetadata: `{"labels":{"tenantguard.io/tenant":"shop"},"finalizers":["` + finalizer + `"]}`,
			wantChanges:  []defaults.Change{tenantLabel},
		},
		"the finalizer is appended after the existing ones, in their order": {
			metadata: `{"labels":{"tenantguard.io/tenant":"shop","tenantguard.io/environment":"staging"},"finalizers":["b.example.com/x","a.example.com/y"]}`,
			wantMetadata: `{"labels":{"tenantguard.io/tenant":"shop","tenantguard.io/environment":"staging"},` +
				`"finalizers":["b.example.com/x","a.example.com/y","` + finalizer + `"]}`,
			wantChanges: []defaults.Change{finalized},
		},
		"a finalizer already in the middle of the list stays where it is": {
			metadata: `{"labels":{"tenantguard.io/tenant":"shop","tenantguard.io/environment":"staging"},"finalizers":["b","` + finalizer + `","a"]}`,
			wantMetadata: `{"labels":{"tenantguard.io/tenant":"shop","tenantguard.io/environment":"staging"},` +
				`"finalizers":["b","` + finalizer + `","a"]}`,
		},
		"the background variant of the finalizer counts as the finalizer": {
			metadata: `{"labels":{"tenantguard.io/tenant":"shop","tenantguard.io/environment":"staging"},"finalizers":["` + finalizer + `/background"]}`,
			wantMetadata: `{"labels":{"tenantguard.io/tenant":"shop","tenantguard.io/environment":"staging"},` +
				`"finalizers":["` + finalizer + `/background"]}`,
		},
		"labels and finalizers that are not what Kubernetes expects are left alone": {
			metadata:     `{"labels":"tenant=shop","finalizers":"` + finalizer + `"}`,
			wantMetadata: `{"labels":"tenant=shop","finalizers":"` + finalizer + `"}`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			app := applicationWithMetadata(t, tt.metadata, `{"source":{"repoURL":"r","targetRevision":"HEAD"}}`)
			spec := tt.tenantSpec
			if spec == "" {
				spec = `{"environment":"staging"}`
			}

			changes := defaults.Application(app, tenant(t, "shop", spec), clusterconfig.Default())

			assert.Equal(t, tt.wantChanges, metadataChanges(changes))
			assert.JSONEq(t, tt.wantMetadata, toJSON(t, app["metadata"]))
		})
	}
}
