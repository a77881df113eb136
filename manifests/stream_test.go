package manifests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAll reads a file's documents as eval does, each decoded or failed.
type readDoc struct {
	Index, Line int
	Name        string
	Err         string
}

func readAll(t *testing.T, name, text string) []readDoc {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	in, err := Open([]string{path}, nil)
	require.NoError(t, err)
	defer in.Close()
	var out []readDoc
	for raw, err := range in.Documents() {
		doc := Document{Index: raw.index, Line: raw.line}
		if err == nil {
			doc, err = raw.Decode()
		}
		if err == nil && doc.Object == nil {
			continue
		}
		d := readDoc{Index: doc.Index, Line: doc.Line}
		if err != nil {
			d.Err = strings.TrimPrefix(err.Error(), path)
		} else {
			d.Name, _ = doc.Object["metadata"].(map[string]any)["name"].(string)
		}
		out = append(out, d)
	}
	return out
}

// The streams of every style a YAML stream may hold its documents in, and
// the JSON files eval has always read.
func TestReadsEveryStyleOfStream(t *testing.T) {
	cases := map[string]struct {
		file, text string
		want       []readDoc
	}{
		"jsonnet -y: JSON documents between separators, and an end marker": {"app.yaml",
			"---\n{\n   \"metadata\": {\"name\": \"a\"}\n}\n---\n{\"metadata\": {\"name\": \"b\"}}\n...\n",
			[]readDoc{{1, 2, "a", ""}, {2, 6, "b", ""}}},
		"JSON and block YAML mixed, with comments": {"app.yaml",
			"# Source: a\n{\"metadata\": {\"name\": \"a\"}} # trailing\n---\nmetadata:\n  name: b\n--- {\"metadata\": {\"name\": \"c\"}}\n",
			[]readDoc{{1, 2, "a", ""}, {2, 4, "b", ""}, {3, 6, "c", ""}}},
		"a flow mapping that is YAML, not JSON": {"app.yaml",
			"{metadata: {name: a}}\n",
			[]readDoc{{1, 1, "a", ""}}},
		"a document after an end marker, without a separator": {"app.yaml",
			"metadata: {name: a}\n...\nmetadata: {name: b}\n",
			[]readDoc{{1, 1, "a", ""}, {2, 3, "b", ""}}},
		"a .json file of one object": {"app.json",
			"{\"metadata\": {\"name\": \"a\"}}",
			[]readDoc{{1, 1, "a", ""}}},
		"a .json file of an array: each item a document": {"app.json",
			"[\n  {\"metadata\": {\"name\": \"a\"}},\n  {\"metadata\": {\"name\": \"b\"}}\n]\n",
			[]readDoc{{1, 2, "a", ""}, {2, 3, "b", ""}}},
		"a .json file of concatenated values": {"app.json",
			"{\"metadata\": {\"name\": \"a\"}}\n\n  {\"metadata\":\n {\"name\": \"b\"}} {\"metadata\": {\"name\": \"c\"}}\n",
			[]readDoc{{1, 1, "a", ""}, {2, 3, "b", ""}, {3, 4, "c", ""}}},
		"numbers in a JSON document stay as written": {"app.yaml",
			"{\"metadata\": {\"name\": \"a\"}, \"v\": 1.10}\n",
			[]readDoc{{1, 1, "a", ""}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, readAll(t, tc.file, tc.text))
		})
	}
}

// A document that cannot be read is an error at its line, and the reader
// resumes at the next document marker: the documents around it are read.
func TestReadsPastADocumentItCannotRead(t *testing.T) {
	got := readAll(t, "app.yaml", "metadata: {name: a}\n---\nmetadata:\n  name: b\n   bad: [\n---\n{\"metadata\": {\"name\": \"c\"},}\n---\nmetadata: {name: d}\n")
	require.Len(t, got, 4)
	assert.Equal(t, readDoc{1, 1, "a", ""}, got[0])
	assert.Equal(t, 2, got[1].Index)
	assert.Regexp(t, `^:5: document 2: error converting YAML to JSON: yaml: `, got[1].Err, "the line of the file, not of the document")
	assert.Equal(t, readDoc{3, 7, "c", ""}, got[2], "JSON with a trailing comma is YAML")
	assert.Equal(t, readDoc{4, 9, "d", ""}, got[3])
}

func TestAJSONFileThatIsNotJSONNamesTheJSONError(t *testing.T) {
	got := readAll(t, "app.json", "{\"metadata\": {\"name\": \"a\"}}\n{\"metadata\": \n  {\"name\" \"b\"}}\n")
	require.Len(t, got, 1, "the framing of a JSON stream is lost at its first error: the rest of the file is one error")
	assert.Equal(t, ":3: document 1: invalid character '\"' after object key", got[0].Err)
}

func TestAnObjectThatIsNotAMappingIsAnError(t *testing.T) {
	got := readAll(t, "app.yaml", "- a\n---\n\"text\"\n")
	require.Len(t, got, 2)
	assert.Contains(t, got[0].Err, ":1: document 1: document: Invalid value")
	assert.Contains(t, got[1].Err, ":3: document 2: document: Invalid value")
}

func TestReadableTenantsSkipsWhatTheJudgingReports(t *testing.T) {
	stream := "apiVersion: tenantguard.io/v1alpha1\nkind: Tenant\nmetadata: {name: a}\n---\nkind: Tenant\nmetadata: [\n---\n{\"apiVersion\": \"tenantguard.io/v1alpha1\", \"kind\": \"Tenant\", \"metadata\": {\"name\": \"b\"}}\n"
	in, err := Open([]string{Stdin}, strings.NewReader(stream))
	require.NoError(t, err)
	defer in.Close()
	tenants := in.ReadableTenants()
	require.Len(t, tenants, 2)
	assert.Equal(t, "b", tenants[1]["metadata"].(map[string]any)["name"])
	_, err = in.Tenants()
	assert.ErrorContains(t, err, "-:6: document 2:", "files that only give context still stop at an unreadable Tenant")
}

// A document whose aliases expand past its own size is measured and
// refused before the conversion expands them, an error in its place at
// the line it starts: the documents around it are still read.
func TestABillionLaughsIsRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i, prev := 'b', 'a'; i <= 'i'; i, prev = i+1, i {
		b.WriteString(string(i) + ": &" + string(i) + " [*" + string(prev))
		for range 8 {
			b.WriteString(",*" + string(prev))
		}
		b.WriteString("]\n")
	}
	got := readAll(t, "app.yaml", "metadata: {name: ok}\n---\n"+b.String())
	require.Len(t, got, 2)
	assert.Equal(t, readDoc{1, 1, "ok", ""}, got[0])
	assert.Contains(t, got[1].Err, ":3: document 2: its YAML expands past its own size")
}

// The YAML-to-JSON conversion reads the first node of its text: what
// follows a flow collection must be an error, never dropped.
func TestTextAfterAFlowCollectionIsAnErrorNotDropped(t *testing.T) {
	for _, text := range []string{"{metadata: {name: a}}\nkind: Application\n", "--- {metadata: {name: a}}\nkind: Application\n", "{metadata: {name: a}} {b: 1}\n"} {
		got := readAll(t, "app.yaml", text)
		require.Len(t, got, 1, text)
		assert.Regexp(t, `^:1: document 1: error converting YAML to JSON: yaml: `, got[0].Err, text)
	}
}

// FuzzReadingIsNeverASilentPass reads any text as a .yaml file: each
// document is an object, empty, or an error located in the file, and text
// that holds any line of YAML gives at least one object or error.
func FuzzReadingIsNeverASilentPass(f *testing.F) {
	for _, seed := range []string{
		"a: 1\n", "{\"a\": 1}\n---\n[{\"b\": 2}]\n...\n", "{a: 1}\nb: 2\n", "a: b: c\n---\nd: 1\n",
		"--- {\"a\": 1}\n", "%YAML 1.1\n---\na: 1\n", "[1, 2]\n", "{\"a\": 1} {\"b\":", "a: &x [1]\nb: *x\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Count(text, "\n") + 1
		in, err := Open([]string{Stdin}, strings.NewReader(text))
		require.NoError(t, err)
		defer in.Close()
		seen := 0
		for raw, err := range in.Documents() {
			doc := Document{}
			if err == nil {
				doc, err = raw.Decode()
			}
			if err != nil {
				var perr *ParseError
				require.ErrorAs(t, err, &perr)
				assert.LessOrEqual(t, perr.Line, lines, "an error's line is in the file")
				seen++
				continue
			}
			if doc.Object != nil {
				seen++
			}
		}
		if seen == 0 {
			for _, line := range strings.Split(text, "\n") {
				if _, _, marker := cutMarker([]byte(strings.TrimSuffix(line, "\r"))); !marker && isContentLine([]byte(line)) {
					// A document of a YAML null ("~", "null", "") is empty.
					obj, err := yamlObject([]byte(text), 1)
					require.True(t, err == nil && obj == nil, "text with YAML read as nothing: %q", text)
					return
				}
			}
		}
	})
}

func TestContextReadsTenantsAndPolicyExceptionsInOnePass(t *testing.T) {
	stream := "apiVersion: tenantguard.io/v1alpha1\nkind: Tenant\nmetadata: {name: a}\n---\n" +
		"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: shop}\n---\n" +
		"apiVersion: tenantguard.io/v1alpha1\nkind: PolicyException\nmetadata: {name: inc-4211}\n" +
		"spec: {rules: [app-pinned-revision], expires: 2026-12-06T12:00:00Z}\n---\n" +
		"apiVersion: example.com/v1\nkind: PolicyException\nmetadata: {name: someone-elses}\n"
	in, err := Open([]string{Stdin}, strings.NewReader(stream))
	require.NoError(t, err)
	defer in.Close()
	c, err := in.Context()
	require.NoError(t, err)
	require.Len(t, c.Tenants, 1)
	require.Len(t, c.Exceptions, 1, "a PolicyException of another group is none of tenantguard's")
	e := c.Exceptions[0]
	assert.Equal(t, "inc-4211", e["metadata"].(map[string]any)["name"])
	assert.Equal(t, "2026-12-06T12:00:00Z", e["spec"].(map[string]any)["expires"], "an unquoted timestamp stays the string it was written as")
}

func TestContextStopsAtAnUnreadablePolicyException(t *testing.T) {
	stream := "apiVersion: tenantguard.io/v1alpha1\nkind: PolicyException\nmetadata: [\n"
	in, err := Open([]string{Stdin}, strings.NewReader(stream))
	require.NoError(t, err)
	defer in.Close()
	_, err = in.Context()
	assert.ErrorContains(t, err, "-:3: document 1:")
	assert.Empty(t, in.ReadableContext().Exceptions)
}
