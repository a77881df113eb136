package manifests

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// jsonValue is one value of a document written in JSON, and the line of
// the stream it starts at.
type jsonValue struct {
	data []byte
	line int
}

// startsJSON says whether a document's first content opens a JSON object
// or array: it may be JSON, which is then read as JSON so that its numbers
// stay as written.
func startsJSON(c chunk) bool {
	return c.line > 0 && c.body < len(c.data) && (c.data[c.body] == '{' || c.data[c.body] == '[')
}

// jsonValues reads a document written in JSON: one JSON value or several
// separated by white space (a stream of concatenated values, which a .json
// file may hold), an array standing for its items. The error says where the
// text stops being such values, as a *ParseError without source or index.
// A document that is not JSON may still be YAML ("{a: 1}", or JSON
// followed by a comment): the caller reads it so.
func jsonValues(c chunk) ([]jsonValue, error) {
	body := c.data[c.body:]
	dec := json.NewDecoder(bytes.NewReader(body))
	var values []jsonValue
	for {
		start := skipJSONSpace(body, int(dec.InputOffset()))
		if start == len(body) {
			return values, nil
		}
		var err error
		if body[start] == '[' {
			values, err = jsonItems(dec, body, c.line, values)
		} else {
			values, err = appendJSONValue(dec, body, c.line, start, values)
		}
		if err != nil {
			return nil, jsonError(err, body, c.line, int(dec.InputOffset()))
		}
	}
}

// jsonItems appends the items of the array dec is at, each a value.
func jsonItems(dec *json.Decoder, body []byte, line int, values []jsonValue) ([]jsonValue, error) {
	if _, err := dec.Token(); err != nil { // [
		return nil, err
	}
	for dec.More() {
		var err error
		values, err = appendJSONValue(dec, body, line, skipJSONSpace(body, int(dec.InputOffset())), values)
		if err != nil {
			return nil, err
		}
	}
	_, err := dec.Token() // ]
	return values, err
}

// appendJSONValue appends the value dec is at, which starts at start in body.
func appendJSONValue(dec *json.Decoder, body []byte, line, start int, values []jsonValue) ([]jsonValue, error) {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	return append(values, jsonValue{data: raw, line: line + lineAt(body, start) - 1}), nil
}

// skipJSONSpace is the offset of the first byte at or after offset that is
// neither white space nor the comma between two items of an array.
func skipJSONSpace(body []byte, offset int) int {
	for offset < len(body) && bytes.IndexByte([]byte(" \t\r\n,"), body[offset]) >= 0 {
		offset++
	}
	return offset
}

// jsonError locates a JSON reading error at its line of the stream.
func jsonError(err error, body []byte, line, offset int) error {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		offset = int(syntax.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err, offset = fmt.Errorf("unexpected end of JSON input"), len(body)
	}
	offset = min(max(offset, 0), len(body))
	return &ParseError{Line: line + lineAt(body, offset) - 1, Err: err}
}
