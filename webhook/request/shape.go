package request

import (
	"bytes"
	"errors"
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
	m := newMeasure(limits)
	if err := m.write(body); err != nil {
		return Shape{}, err
	}
	return m.finish()
}

// measure reads a body's shape a piece at a time, as its bytes arrive, so
// that a body is refused at the first byte past a limit rather than after
// the client has sent, and the server read, all of it.
type measure struct {
	shape  Shape
	limits clusterconfig.Limits
	// started is set at the body's first byte other than white space.
	started bool
	// depth is the nesting at the current byte; the others say what the
	// current byte is inside of or follows.
	depth                          int
	inString, escaped, expectValue bool
}

func newMeasure(limits clusterconfig.Limits) *measure {
	return &measure{limits: limits, expectValue: true}
}

// write counts the values in the next piece of the body. A scalar starts
// where a value is expected (after '[', ':' or ',') with a byte that opens no
// string or container; a string followed by ':' is a key, which the ':'
// tells. It stops at the first comma past limits.maxNodes, so that refusing
// a body of millions of values costs no more than reading one at the limit.
// The loop works on a local copy of the state, stored back once the piece is
// read: the compiler keeps the bytes' state in registers.
func (m *measure) write(piece []byte) error {
	if err := m.start(piece); err != nil {
		return err
	}
	s := m.shape
	depth, inString, escaped, expectValue := m.depth, m.inString, m.escaped, m.expectValue
	maxDepth, maxNodes := m.limits.MaxDepth, m.limits.MaxNodes
	// nodes is Shape.Nodes: a key turns a string into a key, leaving it as it is.
	nodes := s.Nodes()
	for _, c := range piece {
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
			nodes++
		case '{', '[':
			if depth++; depth > maxDepth {
				return fmt.Errorf("request body: objects and lists nest deeper than %d levels (limits.maxDepth)", maxDepth)
			}
			s.Depth = max(s.Depth, depth)
			nodes++
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
			if nodes > maxNodes {
				return tooManyNodes(maxNodes)
			}
		default:
			if expectValue {
				s.Scalars++
				nodes++
			}
		}
		expectValue = c == '[' || c == ':' || c == ','
	}
	s.Bytes += len(piece)
	m.shape = s
	m.depth, m.inString, m.escaped, m.expectValue = depth, inString, escaped, expectValue
	return nil
}

// start refuses a body whose first byte other than white space, in the first
// piece that has one, opens no object: a decoder that guesses YAML from it
// could expand aliases without bound.
func (m *measure) start(piece []byte) error {
	if m.started {
		return nil
	}
	rest := bytes.TrimLeft(piece, " \t\r\n")
	if len(rest) > 0 && rest[0] != '{' {
		return errNotAnObject
	}
	m.started = len(rest) > 0
	return nil
}

// finish checks the whole body once it has been read, and returns its shape.
func (m *measure) finish() (Shape, error) {
	if !m.started {
		return Shape{}, errNotAnObject
	}
	if m.shape.Nodes() > m.limits.MaxNodes {
		return Shape{}, tooManyNodes(m.limits.MaxNodes)
	}
	return m.shape, nil
}

var errNotAnObject = errors.New("request body: must be a JSON AdmissionReview object, starting with '{'")

func tooManyNodes(maxNodes int) error {
	return fmt.Errorf("request body: holds more than %d values and keys (limits.maxNodes)", maxNodes)
}
