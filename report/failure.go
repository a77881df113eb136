package report

import (
	"errors"
	"fmt"

	"github.com/tenantguard/tenantguard/manifests"
)

// Failure says why a document was not judged: it could not be read (a
// syntax error), or the webhook would refuse it as malformed (an
// Application without a spec). Reports show it in the document's place,
// and the command exits 2 once every other document is judged.
type Failure struct {
	// Message is the reason, without the file and the document, which the
	// result names.
	Message string `json:"message"`
	// Line is the line of the file the failure is at: where the reader
	// stopped when it knows, else where the document starts; 0 when unknown.
	Line int `json:"line,omitempty"`
}

// FailureLocation is the file and line of a result's failure.
func (r Result) FailureLocation() (file string, line int) {
	if r.Error.Line > 0 {
		return r.Source, r.Error.Line
	}
	return r.Source, r.Line
}

// failureText is a failure's message with its line, for reports that
// name the document otherwise: "line 7: ...".
func (r Result) failureText() string {
	if _, line := r.FailureLocation(); line > 0 {
		return fmt.Sprintf("line %d: %s", line, r.Error.Message)
	}
	return r.Error.Message
}

// Failed counts the results whose document could not be judged.
func Failed(results []Result) int {
	n := 0
	for _, r := range results {
		if r.Error != nil {
			n++
		}
	}
	return n
}

// failureTitle names what was not judged: the document by its number, an
// object of the cluster by kind and name.
func failureTitle(r Result) string {
	if r.Kind != "" && r.Name != "" {
		return fmt.Sprintf("%s %s not judged", r.Kind, r.Name)
	}
	if r.Index > 0 {
		return fmt.Sprintf("document %d not judged", r.Index)
	}
	return "not judged"
}

// failureWhere is where a failure is, as file:line.
func (r Result) failureWhere() string {
	return fileLine(r.FailureLocation())
}

// FailureSummary is one line naming a result's failure and its place, for
// a command's standard error: "file:line: document N: message", as a
// manifests.ParseError reads.
func (r Result) FailureSummary() string {
	_, line := r.FailureLocation()
	return (&manifests.ParseError{Source: r.Source, Index: r.Index, Line: line, Err: errors.New(r.Error.Message)}).Error()
}
