package manifests

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

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

// ParseError is a document that could not be read; it names the file and the document.
type ParseError struct {
	Source string
	Index  int
	Err    error
}

func (e *ParseError) Error() string {
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

// yamlObject reads a YAML document as a JSON object. Its aliases are expanded
// by the conversion, so the document is first measured: it may not expand to
// more nodes than it has bytes (a document without aliases needs at least two
// bytes a node), so that a few KiB of anchors cannot hold eval's memory.
func yamlObject(source string, index int, chunk []byte) (map[string]any, error) {
	if _, err := decode.MeasureYAML(string(chunk), max(len(chunk), 1024), maxDocumentDepth); errors.Is(err, decode.ErrTooManyNodes) || errors.Is(err, decode.ErrTooDeep) {
		return nil, &ParseError{Source: source, Index: index, Err: fmt.Errorf(
			"its YAML expands past its own size or %d levels (aliases counted as what they expand to): %w", maxDocumentDepth, err)}
	}
	raw, err := yaml.YAMLToJSON(chunk)
	if err != nil {
		return nil, &ParseError{Source: source, Index: index, Err: fmt.Errorf("error converting YAML to JSON: %w", err)}
	}
	obj, err := decode.Object(raw, field.NewPath("document"))
	if err != nil {
		return nil, &ParseError{Source: source, Index: index, Err: err}
	}
	return obj, nil
}
