package report

import (
	"fmt"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/tenantguard/tenantguard/engine/policy"
)

// A finding a PolicyException waives is reported, never dropped, and never
// as what it would otherwise be: it fails nothing, so no format may show it
// as a failure, and every format names the exception and its expiry so that
// a reader sees what lets it through and until when.

// waivedLabel names a waived finding in text reports, whatever its enforcement.
const waivedLabel = "WAIVED"

// label names a finding in a text report: its enforcement, or waivedLabel.
func label(f policy.Finding) string {
	if f.WaivedBy != nil {
		return waivedLabel
	}
	return labels[f.Enforcement]
}

// githubCommand is a finding's workflow command: a waived finding is a
// notice, shown on the line without failing the check.
func githubCommand(f policy.Finding) string {
	if f.WaivedBy != nil {
		return "notice"
	}
	return githubCommands[f.Enforcement]
}

// githubTitle is a finding's annotation title: its rule id, said to be
// waived when it is, since a dry-run finding is a notice too.
func githubTitle(f policy.Finding) string {
	if f.WaivedBy != nil {
		return f.Rule + " (waived)"
	}
	return f.Rule
}

// sarifSuppressions are a finding's SARIF suppressions: none, or for a
// waived finding one accepted suppression kept outside the source (the
// PolicyException), whose justification carries the reason, the exception
// and its expiry. Code scanning shows such a result as dismissed.
func sarifSuppressions(f policy.Finding) []*sarif.Suppression {
	if f.WaivedBy == nil {
		return nil
	}
	return []*sarif.Suppression{sarif.NewSuppression().
		WithKind("external").
		WithStatus("accepted").
		WithJustification(justification(f.WaivedBy))}
}

// justification is why a finding is waived: the exception's reason, its
// name and its expiry.
func justification(w *policy.Waiver) string {
	reason := w.Reason
	if reason == "" {
		reason = "no reason given"
	}
	return fmt.Sprintf("%s (PolicyException %s, until %s)", reason, w.Name, w.Expires)
}

// junitSkipped marks a test case whose findings are all waived as skipped,
// which CI systems show apart from passed and failed cases, with the
// waived findings as the reason; nil for a case that failed, erred, or has
// nothing waived. A failed case lists its waived findings in its output.
func junitSkipped(c junitCase, waived policy.Findings) *junitSkip {
	if len(waived) == 0 || len(c.Failures) > 0 || c.Error != nil {
		return nil
	}
	return &junitSkip{Message: strings.Join(waived.Strings(), "\n")}
}

// junitSkip is a JUnit <skipped> element.
type junitSkip struct {
	Message string `xml:"message,attr"`
}
