package report

import (
	"io"
	"sort"

	"github.com/owenrumney/go-sarif/v3/pkg/report"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/tenantguard/tenantguard/engine/policy"
)

// informationURI is where a reader of a SARIF log learns about the tool.
const informationURI = "https://github.com/tenantguard/tenantguard"

// sarifLevels map each enforcement to a SARIF level: a denial is an error,
// a warning a warning, a dry-run finding a note.
var sarifLevels = map[policy.Enforcement]string{policy.Deny: "error", policy.Warn: "warning", policy.DryRun: "note"}

// writeSARIF prints a SARIF 2.1.0 log of one run: the rules that ran (or
// those of the findings), and a result per finding located at its file and,
// where known, its line; a waived finding's result is suppressed
// (sarifSuppressions). File paths stay relative to where the command ran,
// which code scanning resolves against the repository root.
func writeSARIF(w io.Writer, r Report) error {
	log := report.NewV210Report()
	run := sarif.NewRunWithInformationURI("tenantguard", informationURI)
	if r.Version != "" {
		run.Tool.Driver.WithVersion(r.Version)
	}
	for _, rule := range sarifRules(r) {
		d := run.AddRule(rule.ID).WithName(rule.ID).WithShortDescription(sarif.NewMultiformatMessageString().WithText(rule.Title))
		if rule.Description != "" {
			d.WithFullDescription(sarif.NewMultiformatMessageString().WithText(rule.Description))
		}
		d.WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevels[rule.Enforcement]))
	}
	for _, result := range r.Results {
		for _, f := range result.Findings {
			run.CreateResultForRule(f.Rule).
				WithLevel(sarifLevels[f.Enforcement]).
				WithMessage(sarif.NewTextMessage(f.String())).
				WithLocations([]*sarif.Location{sarifLocation(result, f)}).
				WithSuppressions(sarifSuppressions(f))
		}
	}
	if r.Tool != "" {
		run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID(r.Tool + "/"))
	}
	run.AddInvocation(sarifInvocation(r.Results))
	log.AddRun(run)
	return log.PrettyWrite(w)
}

// sarifRules are the rules a SARIF log describes: the report's, with any
// rule of a finding they lack (a rule known only by id), sorted by id.
func sarifRules(r Report) []policy.Rule {
	rules := append([]policy.Rule(nil), r.Rules...)
	known := map[string]bool{}
	for _, rule := range rules {
		known[rule.ID] = true
	}
	for _, result := range r.Results {
		for _, f := range result.Findings {
			if !known[f.Rule] {
				known[f.Rule] = true
				rules = append(rules, policy.Rule{ID: f.Rule, Title: f.Rule, Enforcement: f.Enforcement})
			}
		}
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules
}

// sarifLocation is a finding's file, and its line when known.
func sarifLocation(r Result, f policy.Finding) *sarif.Location {
	file, line := r.Location(f)
	physical := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(file))
	if line > 0 {
		physical.WithRegion(sarif.NewRegion().WithStartLine(line))
	}
	return sarif.NewLocationWithPhysicalLocation(physical)
}
