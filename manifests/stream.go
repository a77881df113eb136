package manifests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/model"
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
	data        []byte
	json        bool
}

// Decode reads the document's object; nil for an empty document.
func (r RawDocument) Decode() (Document, error) {
	var obj map[string]any
	var err error
	if r.json {
		obj, err = decode.Object(r.data, field.NewPath("document"))
		if err != nil {
			err = &ParseError{Source: r.source, Index: r.index, Err: err}
		}
	} else {
		obj, err = yamlObject(r.source, r.index, r.data)
	}
	return Document{Source: r.source, Index: r.index, Line: r.line, Object: obj}, err
}

// mayBeTenant says whether the document can be a Tenant without decoding
// it: a Tenant's bytes hold its kind's name.
func (r RawDocument) mayBeTenant() bool {
	return bytes.Contains(r.data, []byte(model.KindTenant))
}

// Documents yields the documents of every file in order, one at a time.
func (in *Inputs) Documents() iter.Seq2[RawDocument, error] {
	return func(yield func(RawDocument, error) bool) {
		for _, file := range in.files {
			if !readFile(file, yield) {
				return
			}
		}
	}
}

// readFile yields the documents of one file; false when the caller stopped.
func readFile(file inputFile, yield func(RawDocument, error) bool) bool {
	f, err := os.Open(file.path)
	if err != nil {
		return yield(RawDocument{}, err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	if startsJSON(r) {
		return readJSON(file.name, r, yield)
	}
	s := newYAMLSplitter(file.name, r)
	for {
		c, err := s.next()
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return yield(RawDocument{}, err)
		}
		if !yield(RawDocument{source: file.name, index: s.cut, line: c.line, data: c.data}, nil) {
			return false
		}
	}
}

// startsJSON says whether the stream's first character that is not
// white space opens a JSON object or array; a stream that opens with more
// white space than its buffer holds is read as YAML.
func startsJSON(r *bufio.Reader) bool {
	peeked, _ := r.Peek(r.Size())
	trimmed := bytes.TrimLeft(peeked, " \t\r\n")
	return len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
}

// readJSON yields a stream of JSON values, one after another. The lines
// where they start are counted from the bytes read, which it holds whole:
// JSON streams of manifests are rare, and helm template writes YAML.
func readJSON(source string, r io.Reader, yield func(RawDocument, error) bool) bool {
	data, err := io.ReadAll(r)
	if err != nil {
		return yield(RawDocument{}, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for index := 1; ; index++ {
		var raw json.RawMessage
		offset := int(dec.InputOffset())
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return yield(RawDocument{}, &ParseError{Source: source, Index: index, Err: err})
		}
		start := offset + len(data[offset:]) - len(bytes.TrimLeft(data[offset:], " \t\r\n"))
		if !yield(RawDocument{source: source, index: index, line: lineAt(data, start), data: raw, json: true}, nil) {
			return false
		}
	}
}

// Tenants are the Tenant objects among the documents, in order. Only the
// documents that can be Tenants are decoded.
func (in *Inputs) Tenants() ([]map[string]any, error) {
	var tenants []map[string]any
	for raw, err := range in.Documents() {
		if err != nil {
			return nil, err
		}
		if !raw.mayBeTenant() {
			continue
		}
		doc, err := raw.Decode()
		if err != nil {
			return nil, err
		}
		if kind, ok := model.KindOfObject(doc.Object); ok && kind == model.KindTenant {
			tenants = append(tenants, doc.Object)
		}
	}
	return tenants, nil
}
