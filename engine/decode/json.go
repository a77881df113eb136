package decode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// readJSONObject reads one JSON object from raw into the maps, lists and
// scalars encoding/json gives with UseNumber: numbers stay json.Number, exactly
// as written, so that re-encoding the object changes nothing. It reads with
// jsontext's tokenizer, which costs about half what encoding/json's reflection
// does for the object of a review, read on every request. As encoding/json,
// it keeps the last of duplicate names and reads invalid UTF-8 as U+FFFD.
func readJSONObject(raw []byte) (map[string]any, error) {
	// From a bytes.Buffer, the decoder reads raw in place rather than copying it.
	dec := jsontext.NewDecoder(bytes.NewBuffer(raw), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if kind := dec.PeekKind(); kind != jsontext.KindBeginObject && kind != jsontext.KindInvalid {
		return nil, fmt.Errorf("found %s, want an object", kind)
	}
	value, err := readJSONValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, fmt.Errorf("must be a single JSON object, found more after it")
	}
	obj, _ := value.(map[string]any)
	return obj, nil
}

// readJSONValue reads the next value of dec. The recursion is bounded: the
// request stage refuses reviews nested past limits.maxDepth before they are
// decoded, and jsontext refuses, as encoding/json does, any value nested past
// 10,000 levels, which bounds what eval reads.
func readJSONValue(dec *jsontext.Decoder) (any, error) {
	switch dec.PeekKind() {
	case jsontext.KindBeginObject:
		return readJSONMembers(dec)
	case jsontext.KindBeginArray:
		return readJSONItems(dec)
	case jsontext.KindNumber:
		value, err := dec.ReadValue()
		return json.Number(value), err
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case jsontext.KindString:
		return tok.String(), nil
	case jsontext.KindTrue, jsontext.KindFalse:
		return tok.Bool(), nil
	}
	return nil, nil // null: ReadToken refuses anything else
}

func readJSONMembers(dec *jsontext.Decoder) (map[string]any, error) {
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	obj := map[string]any{}
	for dec.PeekKind() != jsontext.KindEndObject {
		name, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		key := name.String()
		if obj[key], err = readJSONValue(dec); err != nil {
			return nil, err
		}
	}
	_, err := dec.ReadToken()
	return obj, err
}

func readJSONItems(dec *jsontext.Decoder) ([]any, error) {
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	list := []any{}
	for dec.PeekKind() != jsontext.KindEndArray {
		item, err := readJSONValue(dec)
		if err != nil {
			return nil, err
		}
		list = append(list, item)
	}
	_, err := dec.ReadToken()
	return list, err
}
