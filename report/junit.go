package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/tenantguard/tenantguard/engine/policy"
)

// junitSuites is the JUnit XML report CI systems render: one test case per
// document, one failure per denying finding, warnings and waived findings
// in the case's output; a document that was not judged is a case in error,
// and one whose findings are all waived is skipped (junitSkipped).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	ClassName string         `xml:"classname,attr"`
	Error     *junitFailure  `xml:"error"`
	Failures  []junitFailure `xml:"failure"`
	Skipped   *junitSkip     `xml:"skipped"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func writeJUnit(w io.Writer, report Report) error {
	suite := junitSuite{Name: "tenantguard"}
	for _, r := range report.Results {
		c := junitCase{Name: caseName(r), ClassName: r.Source}
		if r.Index > 0 {
			c.ClassName = fmt.Sprintf("%s#%d", r.Source, r.Index)
		}
		for _, f := range r.Findings.With(policy.Deny) {
			c.Failures = append(c.Failures, junitFailure{Type: f.Rule, Message: f.String(), Text: failureText(r, f)})
		}
		waived := r.Findings.Waived()
		c.SystemOut = strings.Join(append(r.Findings.With(policy.Warn).Strings(), waived.Strings()...), "\n")
		if r.Error != nil {
			c.Error = &junitFailure{Type: "not judged", Message: r.Error.Message, Text: r.failureWhere()}
			suite.Errors++
		}
		if c.Skipped = junitSkipped(c, waived); c.Skipped != nil {
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, c)
		suite.Tests++
		suite.Failures += len(c.Failures)
	}
	out := junitSuites{Name: report.Tool, Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors,
		Skipped: suite.Skipped, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// caseName names a test case: the object of a manifest, the path of a file;
// a document not read names no object.
func caseName(r Result) string {
	if r.Kind == "" && r.Error != nil {
		return failureTitle(r)
	}
	if r.Namespace == "" && r.Name == r.Source {
		return fmt.Sprintf("%s %s", r.Kind, r.Name)
	}
	return fmt.Sprintf("%s %s/%s", r.Kind, r.Namespace, r.Name)
}

// failureText is a failure's body: the field it is about, and where it is.
func failureText(r Result, f policy.Finding) string {
	where := fileLine(r.Location(f))
	if f.Field == "" {
		return where
	}
	return f.Field + " at " + where
}

// fileLine writes a place as file:line, or the file alone without a line.
func fileLine(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}
