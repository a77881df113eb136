package main

import (
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// jsonnetStream writes manifests as `jsonnet -y` does: each document JSON,
// after a "---" line, and "..." at the end.
func jsonnetStream(t *testing.T, manifests ...string) string {
	t.Helper()
	var b strings.Builder
	for _, m := range manifests {
		raw, err := yaml.YAMLToJSON([]byte(m))
		require.NoError(t, err)
		b.WriteString("---\n" + string(raw) + "\n")
	}
	return b.String() + "...\n"
}

// partialApp is a test assertion's Application: no spec, which the webhook
// refuses as malformed.
const partialApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: half, namespace: argocd}
`

func TestEvalReadsJSONDocumentsInAYAMLStream(t *testing.T) {
	stream := jsonnetStream(t, cleanApp, pinnedApp)
	for name, args := range map[string][]string{
		"from stdin":        {"eval", "-o", "json", "-"},
		"from a .yaml file": {"eval", "-o", "json", writeFile(t, t.TempDir(), "rendered.yaml", stream)},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := tenantguard(stream, args...)
			require.Equal(t, 1, code, errOut)
			var report struct {
				Results []struct {
					Document, Line int
					Name           string
					Findings       []struct{ Rule string }
				}
			}
			require.NoError(t, json.Unmarshal([]byte(out), &report))
			require.Len(t, report.Results, 2)
			assert.Equal(t, []int{1, 2}, []int{report.Results[0].Line - 1, report.Results[1].Line - 2}, "each at the line after its ---")
			assert.Empty(t, report.Results[0].Findings)
			assert.Equal(t, "app-pinned-revision", report.Results[1].Findings[0].Rule)
		})
	}
}

func TestEvalReadsJSONFilesOfArraysAndValueStreams(t *testing.T) {
	dir := t.TempDir()
	clean, err := yaml.YAMLToJSON([]byte(cleanApp))
	require.NoError(t, err)
	pinned, err := yaml.YAMLToJSON([]byte(pinnedApp))
	require.NoError(t, err)
	writeFile(t, dir, "array.json", "[\n"+string(clean)+",\n"+string(pinned)+"\n]\n")
	writeFile(t, dir, "stream.json", string(clean)+"\n"+string(pinned)+"\n")
	code, out, errOut := tenantguard("", "eval", dir)
	require.Equal(t, 1, code, errOut)
	assert.Contains(t, out, "FAIL\t"+filepath.Join(dir, "array.json")+"#2\t[app-pinned-revision]")
	assert.Contains(t, out, "FAIL\t"+filepath.Join(dir, "stream.json")+"#2\t[app-pinned-revision]")
	assert.Contains(t, out, "4 documents, 2 violations")
}

// A repository where one file holds a partial Application, beside others
// that break rules: every format reports the partial one in its place and
// the findings of the others, and eval exits 2 for the partial one alone.
func TestEvalReportsAPartialDocumentInEveryFormat(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a-clean.yaml", cleanApp)
	partial := writeFile(t, dir, "b-partial.yaml", "# an assertion of a test\n"+partialApp)
	pinned := writeFile(t, dir, "c-pinned.yaml", pinnedApp)

	code, out, errOut := tenantguard("", "eval", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "ERROR\t"+partial+"#1\tline 2: spec: Required value: an Application needs a spec\n")
	assert.Contains(t, out, "FAIL\t"+pinned+"#1\t[app-pinned-revision]")
	assert.Contains(t, out, "3 documents, 1 violation, 0 warnings, 0 dry-run findings, 1 document not judged\n")
	assert.Equal(t, "tenantguard eval: "+partial+":2: document 1: spec: Required value: an Application needs a spec\n", errOut)

	code, out, _ = tenantguard("", "eval", "-o", "json", dir)
	assert.Equal(t, 2, code)
	var report struct {
		Results []struct {
			Name     string
			Findings []any
			Error    *struct{ Message string }
		}
		Summary struct{ Documents, Violations, Errors int }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	assert.Equal(t, 3, report.Summary.Documents)
	assert.Equal(t, 1, report.Summary.Violations)
	assert.Equal(t, 1, report.Summary.Errors)
	assert.Equal(t, "half", report.Results[1].Name)
	require.NotNil(t, report.Results[1].Error)
	assert.Nil(t, report.Results[2].Error)

	code, out, _ = tenantguard("", "eval", "-o", "github", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "::error file="+githubEscaped(partial)+",line=2,title=Application half not judged::spec: Required value: an Application needs a spec\n")
	assert.Contains(t, out, "::error file="+githubEscaped(pinned)+",line=1,title=app-pinned-revision::")

	code, out, _ = tenantguard("", "eval", "-o", "junit", dir)
	assert.Equal(t, 2, code)
	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
	}
	require.NoError(t, xml.Unmarshal([]byte(out), &junit))
	assert.Equal(t, []int{3, 1, 1}, []int{junit.Tests, junit.Failures, junit.Errors})

	code, out, _ = tenantguard("", "eval", "-o", "sarif", dir)
	assert.Equal(t, 2, code)
	var log struct {
		Runs []struct {
			Results     []struct{ RuleID string }
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []struct{ Level string }
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	require.Len(t, log.Runs[0].Results, 1)
	assert.Equal(t, "app-pinned-revision", log.Runs[0].Results[0].RuleID)
	assert.False(t, log.Runs[0].Invocations[0].ExecutionSuccessful)
	require.Len(t, log.Runs[0].Invocations[0].ToolExecutionNotifications, 1)
	assert.Equal(t, "error", log.Runs[0].Invocations[0].ToolExecutionNotifications[0].Level)
}

// A YAML syntax error breaks no more than its document: the reader resumes
// at the next "---" and the documents after it are judged.
func TestEvalResumesAfterASyntaxErrorAtTheNextDocument(t *testing.T) {
	stream := cleanApp + "---\nmetadata:\n  name: x\n   broken: [\n---\n" + pinnedApp
	code, out, errOut := tenantguard(stream, "eval", "-")
	assert.Equal(t, 2, code, errOut)
	assert.Contains(t, out, "ERROR\t-#2\tline 10: error converting YAML to JSON: yaml: ")
	assert.Contains(t, out, "FAIL\t-#3\t[app-pinned-revision]")
}

// Exit 2 for a document not judged wins over 1 for a violation, and a
// clean run keeps 0: the code reflects only what could not be judged.
func TestEvalExitsTwoOnlyForDocumentsNotJudged(t *testing.T) {
	code, _, _ := tenantguard(jsonnetStream(t, cleanApp, cleanApp), "eval", "-")
	assert.Equal(t, 0, code)
	code, _, _ = tenantguard(jsonnetStream(t, cleanApp, partialApp), "eval", "-")
	assert.Equal(t, 2, code)
}

func githubEscaped(path string) string {
	return strings.NewReplacer(":", "%3A", ",", "%2C").Replace(path)
}

// --mutate prints every manifest, so it cannot leave one out: it reads
// the same streams, and a malformed document stops it, naming its line.
func TestEvalMutateReadsJSONStreamsAndStopsAtAMalformedDocument(t *testing.T) {
	code, out, errOut := tenantguard(jsonnetStream(t, cleanApp), "eval", "--mutate", "-")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "kind: Application")
	code, _, errOut = tenantguard(jsonnetStream(t, cleanApp, partialApp), "eval", "--mutate", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "-:4: document 2: spec: Required value")
}
