package decode

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFlowDepthCountsBracketsOutsideQuotesAndComments(t *testing.T) {
	for text, want := range map[string]int{
		"a: [1, [2, {b: [3]}]]":         4,
		"a: \"[[[[\"\nb: '{{{'":         0,
		"a: 'it''s [[['\nb: [1]":        1,
		"a: \"esc \\\" [[[\"\nb: {}":    1,
		"a: 1 # [[[[ a comment\nb: [x]": 1,
		"url: http://x/#[[\nc: [1]":     3, // '#' inside a plain scalar opens no comment
		"unclosed: \"[[[":               0,
		strings.Repeat("[", 9000) + "]": 9000,
	} {
		assert.Equal(t, want, flowDepth(text), "%q", text)
	}
}

func TestTextNestedPastTheLimitInFlowStyleIsRefusedUnparsed(t *testing.T) {
	_, err := MeasureYAML(strings.Repeat("[", 9000)+strings.Repeat("]", 9000), 20000, 100)
	assert.ErrorIs(t, err, ErrTooDeep)
	n, err := MeasureYAML(strings.Repeat("[", 100)+strings.Repeat("]", 100), 20000, 100)
	assert.NoError(t, err, "a hundred levels are within the limit")
	assert.Equal(t, 100, n)
}

// BenchmarkMeasureNested measures the refusal of 9,000 nested flow lists,
// the values-nested attack's text (docs/security.md).
func BenchmarkMeasureNested(b *testing.B) {
	text := strings.Repeat("[", 9000) + strings.Repeat("]", 9000)
	for b.Loop() {
		_, _ = MeasureYAML(text, 20000, 100)
	}
}
