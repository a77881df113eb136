package offline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/tenantguard/tenantguard/webhook/decode"
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
func Read(paths []string, stdin io.Reader) ([]Document, error) {
	var docs []Document
	for _, path := range paths {
		files, err := expand(path)
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			more, err := readSource(file, stdin)
			if err != nil {
				return nil, err
			}
			docs = append(docs, more...)
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

func isManifestFile(path string) bool {
	switch filepath.Ext(path) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func readSource(source string, stdin io.Reader) ([]Document, error) {
	r := stdin
	if source != Stdin {
		f, err := os.Open(source)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return decodeStream(source, r)
}

// decodeStream splits a YAML or JSON stream into documents. Empty documents
// (a lone ---, comments only) are skipped but still counted, so that indexes
// match what a reader counts in the file. YAML documents, the common case of
// `helm template` output, are converted in parallel.
func decodeStream(source string, r io.Reader) ([]Document, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return decodeJSONStream(source, data)
	}
	chunks, err := splitYAML(source, data)
	if err != nil {
		return nil, err
	}
	objects := make([]map[string]any, len(chunks))
	errs := make([]error, len(chunks))
	parallel(len(chunks), func(i int) {
		objects[i], errs[i] = yamlObject(source, i+1, chunks[i].data)
	})
	if err := firstError(errs); err != nil {
		return nil, err
	}
	var docs []Document
	for i, obj := range objects {
		if obj != nil {
			docs = append(docs, Document{Source: source, Index: i + 1, Line: chunks[i].line, Object: obj})
		}
	}
	return docs, nil
}

func yamlObject(source string, index int, chunk []byte) (map[string]any, error) {
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

// decodeJSONStream reads a stream of JSON objects, one after another.
func decodeJSONStream(source string, data []byte) ([]Document, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var docs []Document
	for index := 1; ; index++ {
		var raw json.RawMessage
		offset := int(dec.InputOffset())
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, &ParseError{Source: source, Index: index, Err: err}
		}
		obj, err := decode.Object(raw, field.NewPath("document"))
		if err != nil {
			return nil, &ParseError{Source: source, Index: index, Err: err}
		}
		if obj != nil {
			start := offset + len(data[offset:]) - len(bytes.TrimLeft(data[offset:], " \t\r\n"))
			docs = append(docs, Document{Source: source, Index: index, Line: lineAt(data, start), Object: obj})
		}
	}
}

// firstError is the error of the earliest document, so that a user fixes files top down.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
