package manifests

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/tenantguard/tenantguard/engine/decode"
)

// Stdin is the path that names standard input.
const Stdin = "-"

// Document is one manifest read from a file or stdin.
type Document struct {
	// Source is the file the document came from, or "-" for stdin.
	Source string `json:"file"`
	// Index is the document's position in its source, counting from 1; 0
	// for a result that is a whole file (a file of a change set).
	Index int `json:"document,omitempty"`
	// Line is the line of its source where the document starts (its first
	// line that is neither blank nor a comment), counting from 1; 0 when unknown.
	Line int `json:"line,omitempty"`
	// Object is the manifest, numbers kept as written.
	Object map[string]any `json:"-"`
}

// ParseError is a document that could not be read, or that the webhook would
// refuse as malformed; it names the file, the line and the document.
type ParseError struct {
	Source string
	Index  int
	// Line is the line of the source the error is at, when the reader knows
	// it, else the line where the document starts; 0 when unknown.
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: document %d: %v", e.Source, e.Line, e.Index, e.Err)
	}
	return fmt.Sprintf("%s: document %d: %v", e.Source, e.Index, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Read reads every document of the given paths, in order: files, directories
// (their .yaml, .yml and .json files, sorted, recursively) and "-" for stdin.
// Empty documents (a lone ---, comments only) are skipped but still counted,
// so that indexes match what a reader counts in the file. It holds every
// document; EvaluateInputs judges them one at a time instead.
func Read(paths []string, stdin io.Reader) ([]Document, error) {
	in, err := Open(paths, stdin)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	var docs []Document
	for raw, err := range in.Documents() {
		if err != nil {
			return nil, err
		}
		doc, err := raw.Decode()
		if err != nil {
			return nil, err
		}
		if doc.Object != nil {
			docs = append(docs, doc)
		}
	}
	return docs, nil
}

// expand lists the files a path names.
func expand(path string) ([]string, error) {
	if path == Stdin {
		return []string{Stdin}, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isManifestFile(p) {
			files = append(files, p)
		}
		return err
	})
	sort.Strings(files)
	return files, err
}

// maxDocumentDepth is the deepest a YAML document may nest: the bound the
// JSON reader keeps for every document, encoding/json's.
const maxDocumentDepth = 10000

func isManifestFile(path string) bool {
	switch filepath.Ext(path) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// yamlLine is where the YAML parser says its error is, counting the lines
// of the text it was given.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlObject reads a YAML document whose text starts at line first of its
// source, as a JSON object. A syntax error is a *ParseError at its line of
// the source; the parser's line, counted in the document, would point
// elsewhere. Its aliases are expanded by the conversion, so the document is
// first measured: it may not expand to more nodes than it has bytes (a
// document without aliases needs at least two bytes a node), so that a few
// KiB of anchors cannot hold eval's memory.
func yamlObject(chunk []byte, first int) (map[string]any, error) {
	if _, err := decode.MeasureYAML(string(chunk), max(len(chunk), 1024), maxDocumentDepth); errors.Is(err, decode.ErrTooManyNodes) || errors.Is(err, decode.ErrTooDeep) {
		return nil, fmt.Errorf("its YAML expands past its own size or %d levels (aliases counted as what they expand to): %w", maxDocumentDepth, err)
	}
	raw, err := yaml.YAMLToJSON(chunk)
	if err == nil && flowFirst(firstContent(chunk)) {
		err = oneDocument(chunk)
	}
	if err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil && first > 0 {
			n, _ := strconv.Atoi(m[1])
			n = min(n, max(1, bytes.Count(chunk, []byte("\n")))) // the end of the text is on its last line
			return nil, &ParseError{Line: first + n - 1, Err: fmt.Errorf("error converting YAML to JSON: yaml: %s", msg[len(m[0]):])}
		}
		return nil, fmt.Errorf("error converting YAML to JSON: %w", err)
	}
	return decode.Object(raw, field.NewPath("document"))
}
