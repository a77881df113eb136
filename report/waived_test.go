package report_test

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/manifests"
	"github.com/tenantguard/tenantguard/report"
)

var inc4211 = &policy.Waiver{Name: "inc-4211", Expires: "2026-12-06T12:00:00Z", Reason: "INC-4211: hold production"}

// waivedReport holds an Application whose only finding is waived, and one
// with a denial beside a waived warning.
func waivedReport() report.Report {
	return report.Report{
		Tool: "tenantguard eval", Unit: "documents",
		Results: []report.Result{
			{
				Document: manifests.Document{Source: "prod.yaml", Index: 1, Line: 1},
				Kind:     "Application", Namespace: "argocd", Name: "shop",
				Findings: policy.Findings{{Rule: "app-pinned-revision", Enforcement: policy.Deny,
					Field: "spec.source.targetRevision", Message: "pinned", WaivedBy: inc4211}},
			},
			{
				Document: manifests.Document{Source: "prod.yaml", Index: 2, Line: 9},
				Kind:     "Application", Namespace: "argocd", Name: "cart",
				Findings: policy.Findings{
					{Rule: "app-pinned-revision", Enforcement: policy.Deny, Message: "pinned"},
					{Rule: "app-automated-sync", Enforcement: policy.Warn, Message: "no sync", WaivedBy: inc4211},
				},
			},
		},
	}
}

const waivedSuffix = " (waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)"

func TestAWaivedFindingCountsAsWaivedAlone(t *testing.T) {
	s := report.Summarize(waivedReport().Results)
	assert.Equal(t, report.Summary{Documents: 2, Violations: 1, Waived: 2}, s,
		"a waived denial is no violation and a waived warning no warning")
}

func TestTextMarksAWaivedFindingWithItsExceptionAndExpiry(t *testing.T) {
	out := write(t, report.Text, waivedReport())
	assert.Contains(t, out, "WAIVED\tprod.yaml#1\t[app-pinned-revision] pinned"+waivedSuffix+"\n")
	assert.Contains(t, out, "FAIL\tprod.yaml#2\t[app-pinned-revision] pinned\n")
	assert.Contains(t, out, "WAIVED\tprod.yaml#2\t[app-automated-sync] no sync"+waivedSuffix+"\n")
	assert.Contains(t, out, "2 documents, 1 violation, 0 warnings, 0 dry-run findings, 2 waived\n")
}

func TestJSONKeepsWaivedByAndCountsWaived(t *testing.T) {
	var got struct {
		Results []struct {
			Findings []struct {
				Rule     string
				WaivedBy *policy.Waiver
			}
		}
		Summary map[string]int
	}
	require.NoError(t, json.Unmarshal([]byte(write(t, report.JSON, waivedReport())), &got))
	assert.Equal(t, inc4211, got.Results[0].Findings[0].WaivedBy)
	assert.Nil(t, got.Results[1].Findings[0].WaivedBy)
	assert.Equal(t, 2, got.Summary["waived"])
	assert.Equal(t, 1, got.Summary["violations"])
}

func TestJUnitSkipsACaseWhoseFindingsAreAllWaived(t *testing.T) {
	var suites struct {
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Skipped int `xml:"skipped,attr"`
			Cases   []struct {
				Name     string `xml:"name,attr"`
				Failures []struct {
					Type string `xml:"type,attr"`
				} `xml:"failure"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal([]byte(write(t, report.JUnit, waivedReport())), &suites))
	assert.Equal(t, 1, suites.Failures)
	assert.Equal(t, 1, suites.Skipped)
	assert.Equal(t, 1, suites.Suites[0].Skipped)
	shop, cart := suites.Suites[0].Cases[0], suites.Suites[0].Cases[1]
	assert.Empty(t, shop.Failures)
	require.NotNil(t, shop.Skipped, "a case with only waived findings is skipped")
	assert.Equal(t, "[app-pinned-revision] pinned"+waivedSuffix, shop.Skipped.Message)
	assert.Nil(t, cart.Skipped, "a case that fails is not skipped")
	require.Len(t, cart.Failures, 1)
	assert.Equal(t, "[app-automated-sync] no sync"+waivedSuffix, cart.SystemOut, "its waived findings are in its output")
}

func TestGitHubAnnotatesAWaivedFindingAsANotice(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(write(t, report.GitHub, waivedReport()), "\n"), "\n")
	assert.Equal(t, []string{
		"::notice file=prod.yaml,line=1,title=app-pinned-revision (waived)::[app-pinned-revision] pinned" + waivedSuffix,
		"::error file=prod.yaml,line=9,title=app-pinned-revision::[app-pinned-revision] pinned",
		"::notice file=prod.yaml,line=9,title=app-automated-sync (waived)::[app-automated-sync] no sync" + waivedSuffix,
	}, lines)
}

func TestSARIFSuppressesAWaivedFindingWithItsJustification(t *testing.T) {
	type suppression struct{ Kind, Status, Justification string }
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID       string
				Level        string
				Suppressions []suppression
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(write(t, report.SARIF, waivedReport())), &log))
	results := log.Runs[0].Results
	require.Len(t, results, 3, "a waived finding is a result, suppressed")
	assert.Equal(t, []suppression{{"external", "accepted",
		"INC-4211: hold production (PolicyException inc-4211, until 2026-12-06T12:00:00Z)"}}, results[0].Suppressions)
	assert.Equal(t, "error", results[0].Level)
	assert.Nil(t, results[1].Suppressions, "a finding no exception waives is not suppressed")
	assert.Len(t, results[2].Suppressions, 1)
}
