package request

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/clusterconfig"
)

// FuzzShapeIsTheSameInPieces holds the pass that measures a body as its
// bytes arrive to the pass over the whole body: however the bytes are cut
// into pieces, the same shape or the same refusal. The limits are low, so
// that the fuzzer reaches them.
func FuzzShapeIsTheSameInPieces(f *testing.F) {
	f.Add([]byte(` {"a": [1, "x\"", {}], "b": {"c": -2.5e3}}`), uint8(3))
	f.Add([]byte(`{"request":{"uid":"u","object":[{},{},{},{},{},{},{},{},{},{}]}}`), uint8(1))
	f.Add([]byte("  \n [1]"), uint8(2))
	f.Add([]byte(`{"a":[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]}`), uint8(5))
	f.Fuzz(func(t *testing.T, body []byte, cut uint8) {
		limits := clusterconfig.DefaultLimits()
		limits.MaxDepth, limits.MaxNodes = 16, 40
		whole, wholeErr := MeasureShape(body, limits)

		step := int(cut)%7 + 1
		m := newMeasure(limits)
		var err error
		for i := 0; i < len(body) && err == nil; i += step {
			err = m.write(body[i:min(i+step, len(body))])
		}
		var pieces Shape
		if err == nil {
			pieces, err = m.finish()
		}

		if wholeErr != nil {
			require.Error(t, err, "in pieces of %d bytes", step)
			assert.Equal(t, wholeErr.Error(), err.Error(), "in pieces of %d bytes", step)
			return
		}
		require.NoError(t, err, "in pieces of %d bytes", step)
		assert.Equal(t, whole, pieces, "in pieces of %d bytes", step)
	})
}
