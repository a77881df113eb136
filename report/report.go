package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/tenantguard/tenantguard/engine/policy"
)

// Format is an output format of a report.
type Format string

const (
	// Text prints one line per finding and a summary, for people.
	Text Format = "text"
	// JSON prints every result's findings as one JSON object, for programs.
	JSON Format = "json"
	// JUnit prints a JUnit XML report, one test case per result, for CI systems.
	JUnit Format = "junit"
	// SARIF prints a SARIF 2.1.0 log, for code scanning (GitHub, GitLab, IDEs).
	SARIF Format = "sarif"
	// GitHub prints GitHub Actions workflow commands, which annotate the
	// pull request's files at each finding's line.
	GitHub Format = "github"
)

// Formats lists the formats Write accepts.
var Formats = []Format{Text, JSON, JUnit, SARIF, GitHub}

// labels name each enforcement in text reports; a waived finding is
// labelled waivedLabel instead (label).
var labels = map[policy.Enforcement]string{policy.Deny: "FAIL", policy.Warn: "WARN", policy.DryRun: "DRYRUN"}

// Report is what one run of a command reports.
type Report struct {
	// Tool names the command, such as "tenantguard eval": the JUnit report's
	// name and the SARIF run's automation id.
	Tool string
	// Version is tenantguard's version, written into the SARIF log; optional.
	Version string
	// Unit names what each result is, in the plural, in the text summary:
	// documents, files.
	Unit string
	// Rules are the rules that ran, described in the SARIF log; when empty,
	// the SARIF log describes the rules of the findings by id alone.
	Rules []policy.Rule
	// Results are the verdicts, one per document or file.
	Results []Result
}

// Write prints the results of `tenantguard eval` (or of a runner that
// reports documents the same way) in the given format.
func Write(w io.Writer, format Format, results []Result) error {
	return WriteReport(w, format, Report{Tool: "tenantguard eval", Unit: "documents", Results: results})
}

// WriteReport prints a report in the given format.
func WriteReport(w io.Writer, format Format, r Report) error {
	switch format {
	case Text:
		return writeText(w, r)
	case JSON:
		return writeJSON(w, r.Results)
	case JUnit:
		return writeJUnit(w, r)
	case SARIF:
		return writeSARIF(w, r)
	case GitHub:
		return writeGitHub(w, r.Results)
	default:
		return fmt.Errorf("unknown output format %q", format)
	}
}

func writeText(w io.Writer, r Report) error {
	for _, result := range r.Results {
		if result.Error != nil {
			if _, err := fmt.Fprintf(w, "ERROR\t%s\t%s\n", result.FailureWhere(), result.failureText()); err != nil {
				return err
			}
		}
		for _, f := range result.Findings {
			if _, err := fmt.Fprintf(w, "%s\t%s\t%s\n", label(f), result.Where(f), f); err != nil {
				return err
			}
		}
	}
	s := Summarize(r.Results)
	summary := fmt.Sprintf("%s, %s, %s, %s", counted(s.Documents, r.Unit), counted(s.Violations, "violations"),
		counted(s.Warnings, "warnings"), counted(s.DryRun, "dry-run findings"))
	if s.Waived > 0 {
		summary += fmt.Sprintf(", %d waived", s.Waived)
	}
	if s.Errors > 0 {
		summary += fmt.Sprintf(", %s not judged", counted(s.Errors, r.Unit))
	}
	_, err := fmt.Fprintln(w, summary)
	return err
}

// counted is n with its unit, singular for one: "1 file", "2 files".
func counted(n int, plural string) string {
	if n == 1 {
		return "1 " + strings.TrimSuffix(plural, "s")
	}
	return fmt.Sprintf("%d %s", n, plural)
}

func writeJSON(w io.Writer, results []Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Results []Result `json:"results"`
		Summary Summary  `json:"summary"`
	}{results, Summarize(results)})
}
