package offline

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/tenantguard/tenantguard/webhook/decode"
	"github.com/tenantguard/tenantguard/webhook/model"
	"github.com/tenantguard/tenantguard/webhook/pipeline"
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

// Evaluate judges every document as the validating webhook judges its create,
// through the same pipeline, and returns the results in document order.
// Documents are evaluated in parallel, one worker per CPU; kinds tenantguard
// does not admit have no rules and are not evaluated. A document the webhook
// would refuse as malformed is an error naming it.
func Evaluate(ctx context.Context, p *pipeline.Pipeline, docs []Document) ([]Result, error) {
	results := make([]Result, len(docs))
	errs := make([]error, len(docs))
	parallel(len(docs), func(i int) {
		results[i], errs[i] = evaluateOne(ctx, p, docs[i])
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return results, nil
}

// parallel runs work(0..n-1) on one worker per CPU and waits for all of them.
func parallel(n int, work func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				work(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func evaluateOne(ctx context.Context, p *pipeline.Pipeline, doc Document) (Result, error) {
	review, err := decode.Manifest(doc.Object, p.Config.Limits)
	if err != nil {
		return Result{}, &ParseError{Source: doc.Source, Index: doc.Index, Err: err}
	}
	if review == nil {
		return newResult(doc, nil), nil
	}
	findings, err := p.Validate(ctx, review)
	if err != nil {
		return Result{}, fmt.Errorf("%s: document %d: %w", doc.Source, doc.Index, err)
	}
	return newResult(doc, findings), nil
}

func newResult(doc Document, findings policy.Findings) Result {
	r := Result{Document: doc, Findings: findings}
	r.Kind, _ = doc.Object["kind"].(string)
	r.Namespace = model.Namespace(doc.Object)
	r.Name = model.Name(doc.Object)
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
