package manifests

import (
	"bytes"
	"errors"
	"io"

	yamlv2 "go.yaml.in/yaml/v2"
)

// flowFirst says whether a YAML document's first node may be a flow
// collection, a tagged or anchored node, or written on its "---" line: the
// shapes after which the YAML-to-JSON conversion, which reads a stream's
// first document only, would drop what follows ("{a: 1}\nb: 2" reads as
// {a: 1}). A block mapping cannot end before the text does.
func flowFirst(body []byte) bool {
	body = bytes.TrimPrefix(body, separator)
	body = bytes.TrimLeft(body, " \t")
	return len(body) > 0 && bytes.IndexByte([]byte("{[&!'\""), body[0]) >= 0
}

// oneDocument checks that text is one YAML document and nothing after it,
// with the parser that converts YAML to JSON, so that nothing it would drop
// passes unread. The splitter has already cut the stream at every document
// marker, so a second document here is text that YAML does not allow.
func oneDocument(text []byte) error {
	dec := yamlv2.NewDecoder(bytes.NewReader(text))
	var first any
	if err := dec.Decode(&first); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	var more any
	switch err := dec.Decode(&more); {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return err
	}
	return errors.New("yaml: more than one document; end each with a line of --- (or ... for the last)")
}

// firstContent is text from its first line that is neither blank nor a
// comment.
func firstContent(text []byte) []byte {
	for len(text) > 0 {
		line, rest, _ := bytes.Cut(text, []byte("\n"))
		if isContentLine(line) {
			return text
		}
		text = rest
	}
	return nil
}
