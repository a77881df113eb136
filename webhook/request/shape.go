package request

import (
	"bytes"
	"fmt"

	"github.com/tenantguard/tenantguard/clusterconfig"
)

// Shape is what one pass over a review's bytes finds before any decoder sees
// them: how deep it nests and how many values of each kind it holds. Decoding
// costs memory by the value, not by the byte (an empty object is 3 bytes on
// the wire and hundreds once it is a Go map and a Rego object), so the budget
// of reviews in flight charges a review by its Shape.
type Shape struct {
	// Bytes is the body's length.
	Bytes int
	// Objects and Lists count the containers; Keys the names in objects;
	// Strings the string values (keys not included); Scalars the numbers,
	// booleans and nulls.
	Objects, Lists, Keys, Strings, Scalars int
	// Depth is the deepest nesting of objects and lists, the review counted.
	Depth int
}

// Nodes is what limits.maxNodes bounds: every value and every key.
func (s Shape) Nodes() int { return s.Objects + s.Lists + s.Keys + s.Strings + s.Scalars }

// MeasureShape reads the shape of body in one pass over its bytes, and refuses
// a body that is not a JSON object, nests deeper than limits.maxDepth or holds
// more than limits.maxNodes values and keys. A decoder that guesses YAML from
// a body that does not start with '{' can expand aliases without bound, and
// every decoder after this one recurses once per level and allocates once per
// value. The pass does not validate JSON: the decoder does, and on valid JSON
// the counts are exact.
func MeasureShape(body []byte, limits clusterconfig.Limits) (Shape, error) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Shape{}, fmt.Errorf("request body: must be a JSON AdmissionReview object, starting with '{'")
	}
	s := Shape{Bytes: len(body)}
	if err := s.scan(trimmed, limits.MaxDepth); err != nil {
		return Shape{}, err
	}
	if n := s.Nodes(); n > limits.MaxNodes {
		return Shape{}, fmt.Errorf("request body: holds %d values and keys, more than %d (limits.maxNodes)", n, limits.MaxNodes)
	}
	return s, nil
}

// scan counts body's values. A scalar starts where a value is expected (after
// '[', ':' or ',') with a byte that opens no string or container; a string
// followed by ':' is a key, which the ':' tells.
func (s *Shape) scan(body []byte, maxDepth int) error {
	depth, inString, escaped, expectValue := 0, false, false, true
	for _, c := range body {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '"':
			inString = true
			s.Strings++
		case '{', '[':
			if depth++; depth > maxDepth {
				return fmt.Errorf("request body: objects and lists nest deeper than %d levels (limits.maxDepth)", maxDepth)
			}
			s.Depth = max(s.Depth, depth)
			if c == '{' {
				s.Objects++
			} else {
				s.Lists++
			}
		case '}', ']':
			depth--
		case ':':
			s.Keys++
			s.Strings-- // the string before it was a key
		case ',':
		default:
			if expectValue {
				s.Scalars++
			}
		}
		expectValue = c == '[' || c == ':' || c == ','
	}
	return nil
}
