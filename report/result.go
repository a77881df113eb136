package report

import (
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/manifests"
)

// Result is the verdict on one document.
type Result struct {
	manifests.Document
	// Kind, Namespace and Name identify the object in reports.
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Findings are the rules' findings on the document, empty when it is
	// clean or was not judged.
	Findings policy.Findings `json:"findings"`
	// Error says why the document was not judged; nil when it was.
	Error *Failure `json:"error,omitempty"`
}

// Summary counts findings across results by enforcement, the findings a
// PolicyException waives (counted there alone, whatever their enforcement,
// so that they fail nothing), and the results that could not be judged.
type Summary struct {
	Documents  int `json:"documents"`
	Violations int `json:"violations"`
	Warnings   int `json:"warnings"`
	DryRun     int `json:"dryrun"`
	Waived     int `json:"waived"`
	Errors     int `json:"errors"`
}

// Summarize counts the findings of results.
func Summarize(results []Result) Summary {
	s := Summary{Documents: len(results), Errors: Failed(results)}
	for _, r := range results {
		s.Violations += len(r.Findings.With(policy.Deny))
		s.Warnings += len(r.Findings.With(policy.Warn))
		s.DryRun += len(r.Findings.With(policy.DryRun))
		s.Waived += len(r.Findings.Waived())
	}
	return s
}
