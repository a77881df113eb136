package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tenantguard/tenantguard/test/support/fieldshapes"
	"github.com/tenantguard/tenantguard/test/support/gitrepo"
)

// appWithValues is an Application whose chart source carries values as its
// helm.values text.
func appWithValues(values string) string {
	text, _ := json.Marshal(values) // a JSON string is a YAML string
	return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd, labels: {tenantguard.io/environment: production}}
spec:
  project: tenant-shop
  source: {repoURL: https://charts.example.com, chart: shop, targetRevision: 1.0.0, helm: {values: ` + string(text) + `}}
`
}

// aliasDocument is a manifest whose own YAML holds an alias bomb: every
// level names the one below it ten times.
func aliasDocument() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("  l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [" + strings.TrimSuffix(strings.Repeat("*l"+string(rune('0'+i-1))+", ", 10), ", ") + "]\n")
	}
	return b.String()
}

func TestEvalRefusesFieldsThatExpandPastTheLimitsAndExits2(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct {
		manifest string
		wantErr  string
	}{
		"aliases in helm.values": {
			manifest: appWithValues(fieldshapes.AliasValues(0, 95)),
			wantErr:  "spec.source.helm.values: Invalid value: \"seed0: &base [{a: 1},",
		},
		"9,000 nested flow lists in helm.values": {
			manifest: appWithValues(fieldshapes.NestedLists(9000)),
			wantErr:  "(limits.maxValuesDepth)",
		},
		"aliases in the manifest's own YAML": {
			manifest: aliasDocument(),
			wantErr:  "its YAML expands past its own size",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			file := writeFile(t, dir, strings.ReplaceAll(name, " ", "-")+".yaml", tc.manifest)
			code, out, errOut := tenantguard("", "eval", file)
			assert.Equal(t, 2, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Contains(t, errOut, tc.wantErr)
			assert.Contains(t, errOut, file+":1: document 1:")
			assert.Contains(t, out, "ERROR\t"+file+"#1\t", "the document not judged is reported in its place")
		})
	}
}

func TestChangesRefusesAValuesFileWhoseAliasesExpandAndExits2(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Git("checkout", "--quiet", "-b", "bomb")
	repo.Write("production/shop/values.yaml", fieldshapes.AliasValues(0, 95))
	repo.Commit("shop: values")

	code, out, errOut := tenantguard("", "changes", "--base", "main", "--actor", "alice", repo.Dir)

	assert.Equal(t, 2, code, "stdout: %s\nstderr: %s", out, errOut)
	assert.Contains(t, errOut, "production/shop/values.yaml: its YAML holds more than promotion.maxFileNodes (200000) nodes")
}
