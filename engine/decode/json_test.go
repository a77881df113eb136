package decode

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzReadJSONObjectReadsAsEncodingJSON holds the object reader to what
// encoding/json with UseNumber reads: the same objects accepted, into the
// same values, numbers as written.
func FuzzReadJSONObjectReadsAsEncodingJSON(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"a":1}`, `{"a":{"b":[1,2.50,-3e10,"x",true,false,null,{}]}}`, `{"n":12345678901234567890}`,
		`{"a":1,"a":2}`, `{"s":"\u00e9\n\"\\\/"}`, `{"bad":"\xff"}`, `{"lone":"\ud800"}`, ` {"a":[]} `,
		`{"a":1} {"b":2}`, `{"a":1} x`, `[1]`, `"x"`, `{"a":}`, `{"a":1`, `{"a" 1}`, `{"a":01}`, `{"a":1,}`,
		`{"a":"b"}` + "\n",
	} {
		f.Add([]byte(seed))
	}
	// Nesting at encoding/json's and jsontext's bound of 10,000 levels, and past it.
	f.Add([]byte(`{"a":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`))
	f.Add([]byte(`{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := readJSONObject(raw)
		want, wantErr := stdObject(raw)
		if wantErr != nil {
			assert.Error(t, err, "encoding/json refuses %q: %v", raw, wantErr)
			return
		}
		require.NoError(t, err, "encoding/json reads %q", raw)
		assert.Equal(t, want, got)
	})
}

// stdObject is decode.Object as written with encoding/json.
func stdObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(raw[dec.InputOffset():])) > 0 {
		return nil, assert.AnError
	}
	if obj == nil {
		return nil, assert.AnError // null: Object answers it before reading
	}
	return obj, nil
}
