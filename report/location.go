package report

import (
	"fmt"

	"github.com/tenantguard/tenantguard/engine/policy"
)

// Location is the file and line a finding points at: the finding's own when
// its rule gave them (the change-set rules do), else the result's file and
// the line where its document starts. Line is 0 when unknown.
func (r Result) Location(f policy.Finding) (file string, line int) {
	file, line = r.Source, r.Line
	if f.File != "" && f.File != r.Source {
		file, line = f.File, 0
	}
	if f.Line > 0 {
		line = f.Line
	}
	return file, line
}

// Where is how a text report names a finding's place: the file and the
// document's number in it (file#2) for a manifest, file:line for a file of a
// change set, the file alone when the line is unknown.
func (r Result) Where(f policy.Finding) string {
	file, line := r.Location(f)
	switch {
	case r.Index > 0 && file == r.Source:
		return fmt.Sprintf("%s#%d", file, r.Index)
	case line > 0:
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}

// FailureWhere is how a text report names the place of a result's failure,
// as Where names a finding's: file#2 for a document, the file alone for a
// file of a change set or an object of the cluster without a number.
func (r Result) FailureWhere() string {
	if r.Index > 0 {
		return fmt.Sprintf("%s#%d", r.Source, r.Index)
	}
	return r.Source
}
