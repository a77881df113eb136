package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pinnedApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd}
spec:
  project: tenant-shop
  source: {repoURL: https://git.example.com/p.git, path: staging/shop, targetRevision: 3f1c9a0}
`

const cleanApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: ok, namespace: argocd}
spec:
  project: tenant-ok
  source: {repoURL: https://git.example.com/p.git, path: staging/ok, targetRevision: HEAD}
`

// tenantguard runs the command line in process and returns its exit code and output.
func tenantguard(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = dispatch(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestEvalExitCodes(t *testing.T) {
	dir := t.TempDir()
	clean := writeFile(t, dir, "clean.yaml", cleanApp)
	pinned := writeFile(t, dir, "pinned.yaml", cleanApp+"---\n"+pinnedApp)
	broken := writeFile(t, dir, "broken.yaml", cleanApp+"---\nkind: [\n")
	cases := map[string]struct {
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		"clean manifests exit 0":             {args: []string{"eval", clean}, wantCode: 0, wantOut: "1 document, 0 violations"},
		"a pinned Application exits 1":       {args: []string{"eval", pinned}, wantCode: 1, wantOut: "FAIL\t" + pinned + "#2\t[app-pinned-revision] Application argocd/shop"},
		"a directory is read recursively":    {args: []string{"eval", dir + "/"}, wantCode: 2, wantOut: "FAIL\t" + pinned + "#2", wantErr: "broken.yaml:8: document 2:"},
		"a parse error names file and doc":   {args: []string{"eval", broken}, wantCode: 2, wantOut: "ERROR\t" + broken + "#2\tline 8: ", wantErr: broken + ":8: document 2:"},
		"a missing file is a usage error":    {args: []string{"eval", filepath.Join(dir, "nope.yaml")}, wantCode: 2, wantErr: "nope.yaml"},
		"no path is a usage error":           {args: []string{"eval"}, wantCode: 2, wantErr: "Usage: tenantguard eval"},
		"an unknown format is a usage error": {args: []string{"eval", "-o", "xml", clean}, wantCode: 2, wantErr: `unknown format "xml"`},
		"an unknown command is refused":      {args: []string{"evaluate"}, wantCode: 2, wantErr: `unknown command "evaluate"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := tenantguard("", tc.args...)
			assert.Equal(t, tc.wantCode, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Contains(t, out, tc.wantOut)
			assert.Contains(t, errOut, tc.wantErr)
		})
	}
}

func TestEvalReadsStdinAndPrintsJSONWithRuleIDs(t *testing.T) {
	code, out, errOut := tenantguard(cleanApp+"---\n"+pinnedApp, "eval", "-o", "json", "-")
	require.Equal(t, 1, code, errOut)
	var report struct {
		Results []struct {
			File     string
			Document int
			Name     string
			Findings []map[string]any
		}
		Summary struct{ Documents, Violations int }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	assert.Equal(t, 2, report.Summary.Documents)
	assert.Equal(t, 1, report.Summary.Violations)
	require.Len(t, report.Results, 2)
	assert.Empty(t, report.Results[0].Findings)
	shop := report.Results[1]
	assert.Equal(t, "-", shop.File)
	assert.Equal(t, 2, shop.Document)
	require.Len(t, shop.Findings, 1)
	assert.Equal(t, "app-pinned-revision", shop.Findings[0]["rule"])
	assert.Equal(t, "spec.source.targetRevision", shop.Findings[0]["field"])
}

const productionTenant = `apiVersion: tenantguard.io/v1alpha1
kind: Tenant
metadata: {name: shop}
spec: {environment: production}
`

// shopStaging reads staging/ while its Tenant is a production one: only the
// Tenant's context makes that a violation.
const shopStaging = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd, labels: {tenantguard.io/tenant: shop}}
spec:
  project: tenant-shop
  source: {repoURL: https://git.example.com/p.git, path: staging/shop, targetRevision: HEAD}
  destination: {server: https://kubernetes.default.svc, namespace: tenant-shop}
  syncPolicy: {automated: {selfHeal: true}}
`

func TestEvalTakesTenantsFromDocumentsAndFiles(t *testing.T) {
	dir := t.TempDir()
	tenants := writeFile(t, dir, "tenants.yaml", productionTenant)
	app := writeFile(t, dir, "app.yaml", shopStaging)

	code, out, _ := tenantguard("", "eval", app)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, `there is no Tenant "shop"`, "a label naming a Tenant that is not given is a finding, never a guess")

	code, out, _ = tenantguard("", "eval", "--tenants", tenants, app)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "[app-environment-path] Application argocd/shop: spec.source.path")

	code, out, _ = tenantguard(productionTenant+"---\n"+shopStaging, "eval", "-")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "[app-environment-path]")
}

func TestEvalConfigOverridesEnforcementAndFailOnWarn(t *testing.T) {
	dir := t.TempDir()
	pinned := writeFile(t, dir, "pinned.yaml", pinnedApp)
	cfg := writeFile(t, dir, "config.yaml", "enforcement: {app-pinned-revision: warn}\n")

	code, out, _ := tenantguard("", "eval", "--config", cfg, pinned)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "WARN\t"+pinned+"#1\t[app-pinned-revision]")

	code, _, _ = tenantguard("", "eval", "--config", cfg, "--fail-on-warn", pinned)
	assert.Equal(t, 1, code)

	bad := writeFile(t, dir, "bad.yaml", "enforcement: {app-no-such-rule: warn}\n")
	code, _, errOut := tenantguard("", "eval", "--config", bad, pinned)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "enforcement[app-no-such-rule]")
}

func TestEvalWritesJUnit(t *testing.T) {
	code, out, errOut := tenantguard(cleanApp+"---\n"+pinnedApp, "eval", "-o", "junit", "-")
	require.Equal(t, 1, code, errOut)
	var report struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name     string `xml:"name,attr"`
				Failures []struct {
					Type string `xml:"type,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal([]byte(out), &report))
	assert.Equal(t, 2, report.Tests)
	assert.Equal(t, 1, report.Failures)
	require.Len(t, report.Suites, 1)
	require.Len(t, report.Suites[0].Cases, 2)
	assert.Equal(t, "Application argocd/shop", report.Suites[0].Cases[1].Name)
	assert.Equal(t, "app-pinned-revision", report.Suites[0].Cases[1].Failures[0].Type)
}

func TestRulesListsEveryRuleFromMetadata(t *testing.T) {
	code, out, _ := tenantguard("", "rules")
	require.Equal(t, 0, code)
	for _, id := range []string{"app-pinned-revision", "app-environment-path", "app-automated-sync", "tenant-production-delete"} {
		assert.Contains(t, out, id)
	}
	assert.Regexp(t, `app-automated-sync\s+warn\s+`, out)
}

// The defaults write a revision the rules allow: with trackingRefs [main],
// --mutate writes main, and eval passes what --mutate wrote.
func TestEvalPassesWhatMutateWrites(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "cfg.yaml", "trackingRefs: [main]\n")
	app := writeFile(t, dir, "app.yaml", `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd}
spec:
  project: tenant-shop
  source: {repoURL: https://git.example.com/p.git, path: staging/shop}
`)
	code, mutated, stderr := tenantguard("", "eval", "--config", cfg, "--mutate", app)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, mutated, "targetRevision: main")

	code, out, stderr := tenantguard(mutated, "eval", "--config", cfg, "-")
	assert.Equal(t, 0, code, out+stderr)
}

// eval runs extra Rego files beside the policies, as serve does.
func TestEvalRunsExtraPolicies(t *testing.T) {
	dir := t.TempDir()
	extra := filepath.Join(dir, "extra")
	require.NoError(t, os.Mkdir(extra, 0o700))
	writeFile(t, extra, "no_shop.rego", `# METADATA
# title: No Application named shop
# custom:
#   id: team-no-shop
#   enforcement: deny
package tenantguard.rules.team_no_shop

import data.tenantguard.lib

violation contains v if {
	input.object.metadata.name == "shop"
	v := lib.violation(rego.metadata.chain(), "metadata.name", "shop", "no Application may be named shop")
}
`)
	app := writeFile(t, dir, "app.yaml", pinnedApp)

	code, out, stderr := tenantguard("", "eval", "--extra-policy-dir", extra, app)

	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, out, "[team-no-shop] no Application may be named shop")
}

// helm template prints a "# Source:" comment before each document: a
// finding points at the document's first line of YAML, in every format
// that carries lines.
func TestEvalLocatesFindingsAtTheLineTheirDocumentStarts(t *testing.T) {
	stream := "---\n# Source: shop/templates/ok.yaml\n" + cleanApp + "---\n# Source: shop/templates/pinned.yaml\n" + pinnedApp
	pinnedLine := 3 + strings.Count(cleanApp, "\n") + 2 // the clean document, its separator and the comment

	code, out, errOut := tenantguard(stream, "eval", "-o", "json", "-")
	require.Equal(t, 1, code, errOut)
	var report struct {
		Results []struct{ Document, Line int }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	require.Len(t, report.Results, 2)
	assert.Equal(t, 3, report.Results[0].Line)
	assert.Equal(t, pinnedLine, report.Results[1].Line)
	assert.Equal(t, "kind: Application", strings.Split(stream, "\n")[pinnedLine], "the line after apiVersion, counted from 1")

	code, out, _ = tenantguard(stream, "eval", "-o", "github", "-")
	require.Equal(t, 1, code)
	assert.True(t, strings.HasPrefix(out, "::error file=-,line="+strconv.Itoa(pinnedLine)+",title=app-pinned-revision::[app-pinned-revision] "), out)
}

func TestEvalFindsATenantGivenAfterItsApplicationsOnStdin(t *testing.T) {
	// eval reads its input twice, the Tenants first, so their order in the
	// stream does not matter; standard input is kept for the second reading.
	code, out, errOut := tenantguard(shopStaging+"---\n"+productionTenant, "eval", "-")
	assert.Equal(t, 1, code, errOut)
	assert.Contains(t, out, "[app-environment-path] Application argocd/shop: spec.source.path")
	assert.NotContains(t, out, `there is no Tenant "shop"`)
}

func TestEvalReportsEveryDocumentItCannotReadAndJudgesTheOthers(t *testing.T) {
	var stream strings.Builder
	for i := range 40 {
		if i == 17 || i == 31 {
			stream.WriteString("kind: [unclosed\n---\n")
			continue
		}
		stream.WriteString(cleanApp + "---\n")
	}
	code, out, errOut := tenantguard(stream.String(), "eval", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "ERROR\t-#18\t")
	assert.Contains(t, out, "ERROR\t-#32\t")
	assert.Contains(t, out, "40 documents, 0 violations, 0 warnings, 0 dry-run findings, 2 documents not judged\n")
	assert.Contains(t, errOut, "-:120: document 18:", "stderr names each, at its line")
	assert.Contains(t, errOut, "-:213: document 32:")
}

func TestEvalKeepsTheDocumentOrderOfLargeInputs(t *testing.T) {
	var stream strings.Builder
	for i := range 300 {
		doc := cleanApp
		if i%7 == 3 {
			doc = pinnedApp
		}
		stream.WriteString(strings.Replace(doc, "name: ", "name: d"+strconv.Itoa(i)+"-", 1) + "---\n")
	}
	code, out, errOut := tenantguard(stream.String(), "eval", "-o", "json", "-")
	require.Equal(t, 1, code, errOut)
	var report struct {
		Results []struct {
			Document int
			Name     string
			Findings []any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	require.Len(t, report.Results, 300)
	for i, r := range report.Results {
		assert.Equal(t, i+1, r.Document)
		assert.True(t, strings.HasPrefix(r.Name, "d"+strconv.Itoa(i)+"-"), r.Name)
		assert.Equal(t, i%7 == 3, len(r.Findings) > 0, "document %d", i+1)
	}
}
