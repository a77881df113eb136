package changes

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tenantguard/tenantguard/report"

	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/manifests"
)

// ResultKind is the Kind of the results of a change set: each is a file.
const ResultKind = "File"

// Input is the change set as the rules read it: its JSON document, which
// `tenantguard changes --print-input` writes and conftest reads.
func (cs *ChangeSet) Input() ([]byte, error) {
	data, err := json.Marshal(cs)
	if err != nil {
		return nil, fmt.Errorf("writing the change set: %w", err)
	}
	return data, nil
}

// Evaluate has the engine's change-set rules judge the change set and
// returns one result per changed file, in the change set's order, each with
// the findings about it (a renamed file's findings about its old path
// included). A finding about no changed file gets a result of its own, so
// that none is lost.
func Evaluate(ctx context.Context, engine *policy.Engine, cs *ChangeSet) ([]report.Result, error) {
	input, err := cs.Input()
	if err != nil {
		return nil, err
	}
	findings, err := engine.ChangeSet(ctx, input)
	if err != nil {
		return nil, err
	}
	return group(cs.Files, findings), nil
}

// group sorts the findings into a result per file.
func group(files []File, findings policy.Findings) []report.Result {
	results := make([]report.Result, len(files))
	byPath := make(map[string]int, len(files))
	for i, f := range files {
		results[i] = report.Result{Document: manifests.Document{Source: f.Path}, Kind: ResultKind, Name: f.Path, Findings: policy.Findings{}}
		byPath[f.Path] = i
		if f.OldPath != "" {
			byPath[f.OldPath] = i
		}
	}
	for _, finding := range findings {
		i, ok := byPath[finding.File]
		if !ok {
			results = append(results, report.Result{Document: manifests.Document{Source: finding.File}, Kind: ResultKind, Name: finding.File})
			i = len(results) - 1
			byPath[finding.File] = i
		}
		results[i].Findings = append(results[i].Findings, finding)
	}
	return results
}
