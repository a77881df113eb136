package eval

import (
	"errors"

	"github.com/tenantguard/tenantguard/manifests"
	"github.com/tenantguard/tenantguard/report"
)

// failed is the result of a document that could not be judged: its place,
// and what it is when that could be read.
func failed(doc manifests.Document, err *manifests.ParseError) report.Result {
	r := newResult(doc, nil)
	r.Object = nil
	r.Source, r.Index = err.Source, err.Index
	r.Error = &report.Failure{Message: err.Err.Error(), Line: err.Line}
	if r.Line == 0 {
		r.Line = err.Line
	}
	return r
}

// asFailure is the failure of a document that could not be judged, false
// for an error of the engine, which stops a run.
func asFailure(doc manifests.Document, err error) (report.Result, bool) {
	var perr *manifests.ParseError
	if !errors.As(err, &perr) {
		return report.Result{}, false
	}
	return failed(doc, perr), true
}
