package eval

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/manifests"
	"github.com/tenantguard/tenantguard/report"
)

// evaluateOne judges a document as the validating webhook judges its
// create, through the same pipeline; kinds tenantguard does not admit have no
// rules. A document the webhook would refuse as malformed is an error naming it.
func evaluateOne(ctx context.Context, p *pipeline.Pipeline, doc manifests.Document) (report.Result, error) {
	review, err := decode.Manifest(doc.Object, p.Config.Limits)
	if err != nil {
		return report.Result{}, &manifests.ParseError{Source: doc.Source, Index: doc.Index, Line: doc.Line, Err: err}
	}
	if review == nil {
		return newResult(doc, nil), nil
	}
	findings, err := p.Validate(ctx, review)
	if err != nil {
		return report.Result{}, fmt.Errorf("%s: document %d: %w", doc.Source, doc.Index, err)
	}
	return newResult(doc, findings), nil
}

func newResult(doc manifests.Document, findings policy.Findings) report.Result {
	r := report.Result{Document: doc, Findings: findings}
	r.Kind, _ = doc.Object["kind"].(string)
	r.Namespace = model.Namespace(doc.Object)
	r.Name = model.Name(doc.Object)
	if r.Findings == nil {
		r.Findings = policy.Findings{}
	}
	return r
}

// EvaluateInputs judges every document of in (evaluateOne), in parallel, reading them
// one at a time: at most a few documents per worker are held at once, and
// each result keeps its document's place but not its object. A document
// that cannot be read, or that the webhook would refuse as malformed, is a
// result with an Error in its place, and the others are still judged; only
// an error of the engine stops the run, the earliest document's told.
func EvaluateInputs(ctx context.Context, p *pipeline.Pipeline, in *manifests.Inputs) ([]report.Result, error) {
	// stop ends the reading once a document fails; the documents being
	// judged are finished, so that an earlier one's own error is the one told.
	stop := make(chan struct{})
	var stopOnce sync.Once
	stopReading := func() { stopOnce.Do(func() { close(stop) }) }
	defer stopReading()
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job, 2*workers)
	done := make(chan outcome, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				done <- judge(ctx, p, j)
			}
		})
	}
	go func() {
		defer close(jobs)
		seq := 0
		for raw, err := range in.Documents() {
			select {
			case jobs <- job{seq: seq, raw: raw, err: err}:
			case <-stop:
				return
			}
			seq++
		}
	}()
	go func() { wg.Wait(); close(done) }()
	return collect(done, stopReading)
}

// job is one document to judge, in its place among all.
type job struct {
	seq int
	raw manifests.RawDocument
	err error // the document could not be cut from its file: a *manifests.ParseError
}

// outcome is a job's result; empty documents have none.
type outcome struct {
	seq    int
	result *report.Result
	err    error
}

// judge reads and judges one document. One that cannot be read, or that
// the webhook would refuse as malformed, is a result with its failure, so
// that the others are still judged; an error of the engine, which would
// fail every document alike, is the outcome's error and stops the run.
// A document that could not be cut from its file has no place but its
// error's, which failed takes.
func judge(ctx context.Context, p *pipeline.Pipeline, j job) outcome {
	var doc manifests.Document
	err := j.err
	if err == nil {
		doc, err = j.raw.Decode()
	}
	if err == nil && doc.Object == nil {
		return outcome{seq: j.seq}
	}
	var r report.Result
	if err == nil {
		r, err = evaluateOne(ctx, p, doc)
	}
	if err != nil {
		var ok bool
		if r, ok = asFailure(doc, err); !ok {
			return outcome{seq: j.seq, err: err}
		}
	}
	r.Object = nil // reports need the object's name, not the object
	return outcome{seq: j.seq, result: &r}
}

// collect puts the outcomes back in document order and reports the error of
// the earliest document, stopping the reading once one fails.
func collect(done <-chan outcome, stopReading func()) ([]report.Result, error) {
	var placed []*report.Result
	firstErr, errSeq := error(nil), -1
	for o := range done {
		if o.err != nil && (errSeq < 0 || o.seq < errSeq) {
			firstErr, errSeq = o.err, o.seq
			stopReading()
		}
		for len(placed) <= o.seq {
			placed = append(placed, nil)
		}
		placed[o.seq] = o.result
	}
	if firstErr != nil {
		return nil, firstErr
	}
	results := make([]report.Result, 0, len(placed))
	for _, r := range placed {
		if r != nil {
			results = append(results, *r)
		}
	}
	return results, nil
}
