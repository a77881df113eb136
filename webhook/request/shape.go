package request

import (
	"bytes"
	"fmt"
)

// checkShape refuses a body that is not a JSON object, or whose objects and
// lists nest deeper than maxDepth, in one pass over the bytes and before any
// decoder sees them: a decoder that guesses YAML from a body that does not
// start with '{' can expand aliases without bound, and every decoder after this
// one recurses once per level.
func checkShape(body []byte, maxDepth int) error {
	body = bytes.TrimLeft(body, " \t\r\n")
	if len(body) == 0 || body[0] != '{' {
		return fmt.Errorf("request body: must be a JSON AdmissionReview object, starting with '{'")
	}
	depth, inString, escaped := 0, false, false
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
		case '"':
			inString = true
		case '{', '[':
			if depth++; depth > maxDepth {
				return fmt.Errorf("request body: objects and lists nest deeper than %d levels (limits.maxDepth)", maxDepth)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}
