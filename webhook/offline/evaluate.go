package offline

import (
	"context"
	"fmt"

	"github.com/tenantguard/tenantguard/webhook/policy"
)

// Result is the verdict on one document.
type Result struct {
	Document
	// Kind, Namespace and Name identify the object in reports.
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Findings are the rules' findings on the document, empty when it is clean.
	Findings policy.Findings `json:"findings"`
}

// Evaluate runs the rule set on every document, in order.
func Evaluate(ctx context.Context, engine *policy.Engine, docs []Document) ([]Result, error) {
	results := make([]Result, 0, len(docs))
	for _, doc := range docs {
		findings, err := engine.Manifest(ctx, doc.Object)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", doc.Source, doc.Index, err)
		}
		results = append(results, newResult(doc, findings))
	}
	return results, nil
}

func newResult(doc Document, findings policy.Findings) Result {
	meta, _ := doc.Object["metadata"].(map[string]any)
	r := Result{Document: doc, Findings: findings}
	r.Kind, _ = doc.Object["kind"].(string)
	r.Namespace, _ = meta["namespace"].(string)
	r.Name, _ = meta["name"].(string)
	if r.Findings == nil {
		r.Findings = policy.Findings{}
	}
	return r
}

// Summary counts findings across results by enforcement.
type Summary struct {
	Documents  int `json:"documents"`
	Violations int `json:"violations"`
	Warnings   int `json:"warnings"`
	DryRun     int `json:"dryrun"`
}

// Summarize counts the findings of results.
func Summarize(results []Result) Summary {
	s := Summary{Documents: len(results)}
	for _, r := range results {
		s.Violations += len(r.Findings.With(policy.Deny))
		s.Warnings += len(r.Findings.With(policy.Warn))
		s.DryRun += len(r.Findings.With(policy.DryRun))
	}
	return s
}
