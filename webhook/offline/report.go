package offline

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/tenantguard/tenantguard/webhook/policy"
)

// Format is an output format of a report.
type Format string

const (
	// Text prints one line per finding and a summary, for people.
	Text Format = "text"
	// JSON prints every document's findings as one JSON object, for programs.
	JSON Format = "json"
	// JUnit prints a JUnit XML report, one test case per document, for CI systems.
	JUnit Format = "junit"
)

// Formats lists the formats Write accepts.
var Formats = []Format{Text, JSON, JUnit}

// labels name each enforcement in text reports.
var labels = map[policy.Enforcement]string{policy.Deny: "FAIL", policy.Warn: "WARN", policy.DryRun: "DRYRUN"}

// Write prints results in the given format.
func Write(w io.Writer, format Format, results []Result) error {
	switch format {
	case Text:
		return writeText(w, results)
	case JSON:
		return writeJSON(w, results)
	case JUnit:
		return writeJUnit(w, results)
	default:
		return fmt.Errorf("unknown output format %q", format)
	}
}

func writeText(w io.Writer, results []Result) error {
	for _, r := range results {
		for _, f := range r.Findings {
			if _, err := fmt.Fprintf(w, "%s\t%s#%d\t%s\n", labels[f.Enforcement], r.Source, r.Index, f); err != nil {
				return err
			}
		}
	}
	s := Summarize(results)
	_, err := fmt.Fprintf(w, "%d documents, %d violations, %d warnings, %d dry-run findings\n",
		s.Documents, s.Violations, s.Warnings, s.DryRun)
	return err
}

func writeJSON(w io.Writer, results []Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Results []Result `json:"results"`
		Summary Summary  `json:"summary"`
	}{results, Summarize(results)})
}
