package manifests

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/tenantguard/tenantguard/engine/decode"
)

// Inputs are the files of a run, read as many times as a run needs and one
// document at a time, so that a run's memory does not grow with the size of
// its input: standard input, which can be read once, is first copied to a
// temporary file.
type Inputs struct {
	files []inputFile
	spool string // the copy of standard input, removed by Close
}

// inputFile is a file to read and the name reports give it ("-" for stdin).
type inputFile struct{ name, path string }

// Open lists the files that paths name, as Read does: files, directories
// (their .yaml, .yml and .json files, sorted, recursively) and "-" for stdin.
// Close removes what it copied.
func Open(paths []string, stdin io.Reader) (*Inputs, error) {
	in := &Inputs{}
	for _, path := range paths {
		files, err := expand(path)
		if err != nil {
			in.Close()
			return nil, err
		}
		for _, file := range files {
			if file == Stdin {
				if file, err = in.spoolStdin(stdin); err != nil {
					in.Close()
					return nil, err
				}
			}
			in.files = append(in.files, inputFile{name: displayName(path, file), path: file})
		}
	}
	return in, nil
}

func displayName(path, file string) string {
	if path == Stdin {
		return Stdin
	}
	return file
}

func (in *Inputs) spoolStdin(stdin io.Reader) (string, error) {
	if in.spool != "" {
		return in.spool, nil
	}
	f, err := os.CreateTemp("", "tenantguard-stdin-")
	if err != nil {
		return "", fmt.Errorf("keeping standard input: %w", err)
	}
	in.spool = f.Name()
	if _, err := io.Copy(f, stdin); err != nil {
		f.Close()
		return "", fmt.Errorf("reading standard input: %w", err)
	}
	return in.spool, f.Close()
}

// Close removes the copy of standard input.
func (in *Inputs) Close() {
	if in.spool != "" {
		os.Remove(in.spool)
	}
}

// RawDocument is one document of a file, cut but not yet decoded: Inputs.Documents
// yields them, so that a runner decodes each where it judges it.
type RawDocument struct {
	source      string
	index, line int
	// first is the line of the source that data starts at.
	first int
	data  []byte
	json  bool
	// jsonErr is why a document that opens as JSON is not JSON; it is read
	// as YAML, and when it is not YAML either, a .json file's error is this one.
	jsonErr error
}

// Decode reads the document's object; nil for an empty document. Its error
// is a *ParseError naming the document and the line.
func (r RawDocument) Decode() (Document, error) {
	var obj map[string]any
	var err error
	if r.json {
		obj, err = decode.Object(r.data, field.NewPath("document"))
		if err != nil {
			err = &ParseError{Source: r.source, Index: r.index, Line: r.line, Err: err}
		}
	} else {
		obj, err = yamlObject(r.data, r.first)
		err = r.yamlError(err)
	}
	return Document{Source: r.source, Index: r.index, Line: r.line, Object: obj}, err
}

// yamlError names the document of a YAML reading error and the line of
// the source it is at.
func (r RawDocument) yamlError(err error) error {
	if err == nil {
		return nil
	}
	if r.jsonErr != nil && filepath.Ext(r.source) == ".json" {
		err = r.jsonErr
	}
	out := &ParseError{Source: r.source, Index: r.index, Line: r.line, Err: err}
	if located, ok := err.(*ParseError); ok { // the reader knew the line
		out.Line, out.Err = located.Line, located.Err
	}
	return out
}

// Documents yields the documents of every file in order, one at a time. A
// file that cannot be read is an error in the place of its documents, and
// the next file is read.
func (in *Inputs) Documents() iter.Seq2[RawDocument, error] {
	return func(yield func(RawDocument, error) bool) {
		for _, file := range in.files {
			if !readFile(file, yield) {
				return
			}
		}
	}
}

// readFile yields the documents of one file, YAML or JSON, whatever style
// each document is written in; false when the caller stopped. A file that
// fails to be read midway is an error in the place of its other documents.
func readFile(file inputFile, yield func(RawDocument, error) bool) bool {
	f, err := os.Open(file.path)
	if err != nil {
		return yield(RawDocument{source: file.name, index: 1}, &ParseError{Source: file.name, Index: 1, Err: err})
	}
	defer f.Close()
	s := newYAMLSplitter(bufio.NewReaderSize(f, 64<<10))
	index := 0
	for {
		c, err := s.next()
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			index++
			return yield(RawDocument{source: file.name, index: index, line: s.lines}, &ParseError{Source: file.name, Index: index, Line: s.lines, Err: err})
		}
		for _, raw := range cutDocuments(c) {
			index++
			raw.source, raw.index = file.name, index
			if !yield(raw, nil) {
				return false
			}
		}
	}
}

// cutDocuments are the documents of a chunk of a YAML stream: one, or, when
// it is written in JSON, one per JSON value it holds (a stream of values,
// the items of an array).
func cutDocuments(c chunk) []RawDocument {
	whole := RawDocument{line: c.line, first: c.first, data: c.data}
	if !startsJSON(c) {
		return []RawDocument{whole}
	}
	values, err := jsonValues(c)
	if err != nil {
		whole.jsonErr = err
		return []RawDocument{whole}
	}
	if len(values) == 0 { // an empty array: an empty document, still counted
		return []RawDocument{{line: c.line, first: c.first, json: true}}
	}
	docs := make([]RawDocument, len(values))
	for i, v := range values {
		docs[i] = RawDocument{line: v.line, first: v.line, data: v.data, json: true}
	}
	return docs
}
