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

// failedReport is the sample report with two results not judged: a
// document that could not be read, at the line the reader stopped, and an
// object of the cluster the webhook would refuse, without a line.
func failedReport() report.Report {
	r := sampleReport()
	r.Results = append(r.Results,
		report.Result{
			Document: manifests.Document{Source: "broken.yaml", Index: 3, Line: 12}, Findings: policy.Findings{},
			Error: &report.Failure{Message: "error converting YAML to JSON: yaml: did not find expected node content", Line: 14},
		},
		report.Result{
			Document: manifests.Document{Source: "cluster", Index: 9}, Kind: "Application", Namespace: "argocd", Name: "half",
			Findings: policy.Findings{}, Error: &report.Failure{Message: "spec: Required value: an Application needs a spec"},
		})
	return r
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
		"with documents not judged": failedReport(),
		"with waived findings":      waivedReport(),
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

func TestEveryFormatReportsADocumentNotJudgedInItsPlace(t *testing.T) {
	t.Run("text", func(t *testing.T) {
		out := write(t, report.Text, failedReport())
		assert.Contains(t, out, "ERROR\tbroken.yaml#3\tline 14: error converting YAML to JSON: yaml: did not find expected node content\n")
		assert.Contains(t, out, "ERROR\tcluster#9\tspec: Required value: an Application needs a spec\n")
		assert.Contains(t, out, "5 things, 2 violations, 1 warning, 1 dry-run finding, 2 things not judged\n")
		assert.NotContains(t, write(t, report.Text, sampleReport()), "not judged", "a clean run's summary stays as it was")
	})
	t.Run("json", func(t *testing.T) {
		var got struct {
			Results []struct {
				File     string
				Document int
				Line     int
				Error    *struct {
					Message string
					Line    int
				}
			}
			Summary struct{ Documents, Errors int }
		}
		require.NoError(t, json.Unmarshal([]byte(write(t, report.JSON, failedReport())), &got))
		assert.Equal(t, 5, got.Summary.Documents)
		assert.Equal(t, 2, got.Summary.Errors)
		assert.Nil(t, got.Results[0].Error)
		broken := got.Results[3]
		assert.Equal(t, []any{"broken.yaml", 3, 12}, []any{broken.File, broken.Document, broken.Line})
		require.NotNil(t, broken.Error)
		assert.Equal(t, 14, broken.Error.Line)
		assert.Equal(t, "error converting YAML to JSON: yaml: did not find expected node content", broken.Error.Message)
	})
	t.Run("github", func(t *testing.T) {
		out := write(t, report.GitHub, failedReport())
		assert.Contains(t, out, "::error file=broken.yaml,line=14,title=document 3 not judged::error converting YAML to JSON: yaml: did not find expected node content\n")
		assert.Contains(t, out, "::error file=cluster,title=Application half not judged::spec: Required value: an Application needs a spec\n")
	})
	t.Run("junit", func(t *testing.T) {
		var suites struct {
			Errors int `xml:"errors,attr"`
			Suites []struct {
				Errors int `xml:"errors,attr"`
				Cases  []struct {
					Name  string `xml:"name,attr"`
					Error *struct {
						Message string `xml:"message,attr"`
						Text    string `xml:",chardata"`
					} `xml:"error"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		require.NoError(t, xml.Unmarshal([]byte(write(t, report.JUnit, failedReport())), &suites))
		assert.Equal(t, 2, suites.Errors)
		cases := suites.Suites[0].Cases
		require.Len(t, cases, 5)
		assert.Nil(t, cases[0].Error)
		assert.Equal(t, "document 3 not judged", cases[3].Name)
		require.NotNil(t, cases[3].Error)
		assert.Equal(t, "broken.yaml:14", cases[3].Error.Text)
		assert.Equal(t, "Application argocd/half", cases[4].Name)
		assert.Equal(t, "spec: Required value: an Application needs a spec", cases[4].Error.Message)
	})
	t.Run("sarif", func(t *testing.T) {
		var log struct {
			Runs []struct {
				Results     []any
				Invocations []struct {
					ExecutionSuccessful        bool
					ToolExecutionNotifications []struct {
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
		}
		require.NoError(t, json.Unmarshal([]byte(write(t, report.SARIF, failedReport())), &log))
		run := log.Runs[0]
		assert.Len(t, run.Results, 4, "the findings, and no result for what was not judged")
		require.Len(t, run.Invocations, 1)
		inv := run.Invocations[0]
		assert.False(t, inv.ExecutionSuccessful)
		require.Len(t, inv.ToolExecutionNotifications, 2)
		n := inv.ToolExecutionNotifications[0]
		assert.Equal(t, "error", n.Level)
		assert.Equal(t, "document 3 not judged: error converting YAML to JSON: yaml: did not find expected node content", n.Message.Text)
		assert.Equal(t, "broken.yaml", n.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		assert.Equal(t, 14, n.Locations[0].PhysicalLocation.Region.StartLine)
		assert.Nil(t, inv.ToolExecutionNotifications[1].Locations[0].PhysicalLocation.Region, "no line is known")

		require.NoError(t, json.Unmarshal([]byte(write(t, report.SARIF, sampleReport())), &log))
		assert.True(t, log.Runs[0].Invocations[0].ExecutionSuccessful)
	})
}
