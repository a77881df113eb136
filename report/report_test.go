package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/manifests"
	"github.com/tenantguard/tenantguard/report"
)

// sampleReport holds both kinds of results: a manifest's document (file,
// document number, the line it starts at) and a changed file whose findings
// carry their own line.
func sampleReport() report.Report {
	return report.Report{
		Tool: "tenantguard test", Unit: "things", Version: "v1.2.3",
		Rules: []policy.Rule{{ID: "app-pinned-revision", Title: "Applications track a branch", Description: "Long text.", Enforcement: policy.Deny}},
		Results: []report.Result{
			{
				Document: manifests.Document{Source: "rendered.yaml", Index: 2, Line: 7},
				Kind:     "Application", Namespace: "argocd", Name: "shop",
				Findings: policy.Findings{
					{Rule: "app-pinned-revision", Enforcement: policy.Deny, Field: "spec.source.targetRevision", Message: "pinned"},
					{Rule: "app-automated-sync", Enforcement: policy.Warn, Message: "no sync, really,\nat all: 100%"},
				},
			},
			{
				Document: manifests.Document{Source: "production/shop/values.yaml"}, Kind: "File", Name: "production/shop/values.yaml",
				Findings: policy.Findings{
					{Rule: "change-production-promotion", Enforcement: policy.Deny, File: "production/shop/values.yaml", Line: 3, Message: "differs"},
					{Rule: "change-protected-file", Enforcement: policy.DryRun, File: "production/shop/values.yaml", Message: "protected"},
				},
			},
			{Document: manifests.Document{Source: "clean.yaml", Index: 1, Line: 1}, Kind: "Application", Name: "ok", Findings: policy.Findings{}},
		},
	}
}

func write(t *testing.T, format report.Format, r report.Report) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, report.WriteReport(&out, format, r))
	return out.String()
}

func TestSARIFIsValidAgainstTheSARIF210Schema(t *testing.T) {
	schemaFile, err := os.Open("testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	defer schemaFile.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(schemaFile)
	require.NoError(t, err)
	compiler := jsonschema.NewCompiler()
	compiler.AssertFormat()
	require.NoError(t, compiler.AddResource("sarif-schema-2.1.0.json", schemaDoc))
	schema, err := compiler.Compile("sarif-schema-2.1.0.json")
	require.NoError(t, err)

	for name, r := range map[string]report.Report{
		"with findings":             sampleReport(),
		"without findings or rules": {Tool: "tenantguard eval", Unit: "documents"},
	} {
		t.Run(name, func(t *testing.T) {
			log, err := jsonschema.UnmarshalJSON(strings.NewReader(write(t, report.SARIF, r)))
			require.NoError(t, err)
			assert.NoError(t, schema.Validate(log))
		})
	}
	t.Run("a log the schema refuses, so that the check is live", func(t *testing.T) {
		broken := strings.Replace(write(t, report.SARIF, sampleReport()), `"level": "error"`, `"level": "fatal"`, 1)
		log, err := jsonschema.UnmarshalJSON(strings.NewReader(broken))
		require.NoError(t, err)
		assert.Error(t, schema.Validate(log))
	})
}

func TestSARIFLocatesEachFindingAtItsFileAndLine(t *testing.T) {
	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Version string
					Rules   []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				Level     string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine int }
					}
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(write(t, report.SARIF, sampleReport())), &log))
	assert.Equal(t, "2.1.0", log.Version)
	require.Len(t, log.Runs, 1)
	run := log.Runs[0]
	assert.Equal(t, "v1.2.3", run.Tool.Driver.Version)
	var ids []string
	for _, r := range run.Tool.Driver.Rules {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"app-automated-sync", "app-pinned-revision", "change-production-promotion", "change-protected-file"}, ids,
		"the report's rules and those of the findings it lacks")
	type located struct {
		rule, level, uri string
		line             int
	}
	var got []located
	for _, r := range run.Results {
		require.Len(t, r.Locations, 1)
		loc := r.Locations[0].PhysicalLocation
		line := 0
		if loc.Region != nil {
			line = loc.Region.StartLine
		}
		got = append(got, located{r.RuleID, r.Level, loc.ArtifactLocation.URI, line})
	}
	assert.Equal(t, []located{
		{"app-pinned-revision", "error", "rendered.yaml", 7},
		{"app-automated-sync", "warning", "rendered.yaml", 7},
		{"change-production-promotion", "error", "production/shop/values.yaml", 3},
		{"change-protected-file", "note", "production/shop/values.yaml", 0},
	}, got)
	assert.Equal(t, "[app-pinned-revision] pinned", run.Results[0].Message.Text)
}

func TestGitHubAnnotationsEscapeWhatTheRunnerParses(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(write(t, report.GitHub, sampleReport()), "\n"), "\n")
	assert.Equal(t, []string{
		"::error file=rendered.yaml,line=7,title=app-pinned-revision::[app-pinned-revision] pinned",
		"::warning file=rendered.yaml,line=7,title=app-automated-sync::[app-automated-sync] no sync, really,%0Aat all: 100%25",
		"::error file=production/shop/values.yaml,line=3,title=change-production-promotion::[change-production-promotion] differs",
		"::notice file=production/shop/values.yaml,title=change-protected-file::[change-protected-file] protected",
	}, lines)
}

func TestTextNamesDocumentsByNumberAndFilesByLine(t *testing.T) {
	out := write(t, report.Text, sampleReport())
	assert.Contains(t, out, "FAIL\trendered.yaml#2\t[app-pinned-revision] pinned\n")
	assert.Contains(t, out, "FAIL\tproduction/shop/values.yaml:3\t[change-production-promotion] differs\n")
	assert.Contains(t, out, "DRYRUN\tproduction/shop/values.yaml\t[change-protected-file] protected\n")
	assert.Contains(t, out, "3 things, 2 violations, 1 warning, 1 dry-run finding\n")
}

func TestJUnitHasACasePerResultAndAFailurePerDenial(t *testing.T) {
	var suites struct {
		Name   string `xml:"name,attr"`
		Suites []struct {
			Cases []struct {
				Name      string `xml:"name,attr"`
				ClassName string `xml:"classname,attr"`
				Failures  []struct {
					Type string `xml:"type,attr"`
					Text string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal([]byte(write(t, report.JUnit, sampleReport())), &suites))
	assert.Equal(t, "tenantguard test", suites.Name)
	cases := suites.Suites[0].Cases
	require.Len(t, cases, 3)
	assert.Equal(t, "Application argocd/shop", cases[0].Name)
	assert.Equal(t, "rendered.yaml#2", cases[0].ClassName)
	assert.Equal(t, "spec.source.targetRevision at rendered.yaml:7", cases[0].Failures[0].Text)
	assert.Equal(t, "File production/shop/values.yaml", cases[1].Name)
	assert.Equal(t, "production/shop/values.yaml", cases[1].ClassName)
	assert.Equal(t, "change-production-promotion", cases[1].Failures[0].Type)
	assert.Equal(t, "production/shop/values.yaml:3", cases[1].Failures[0].Text)
}

func TestWriteKeepsEvalsReportAndRefusesUnknownFormats(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, report.Write(&out, report.Text, sampleReport().Results))
	assert.Contains(t, out.String(), "3 documents, 2 violations")
	assert.Error(t, report.Write(&out, report.Format("xml"), nil))
}
