package offline

import (
	"bytes"
	"fmt"
)

// chunk is one document's bytes in a YAML stream and the line it starts at.
type chunk struct {
	data []byte
	// line is the document's first line that is neither blank, a comment
	// nor a separator, counting from 1; 0 when it has none (an empty document).
	line int
}

// separator starts a line that ends a YAML document.
var separator = []byte("---")

// splitYAML cuts a YAML stream into its documents, as Kubernetes' YAML reader
// (k8s.io/apimachinery/pkg/util/yaml.YAMLReader) cuts it, so that documents
// are numbered as kubectl and helm number them, and notes where each starts:
// a "---" line ends a document that has any line, and otherwise stays in the
// document it opens; text after "---" other than a comment is an error; an
// empty document is still a document.
func splitYAML(source string, data []byte) ([]chunk, error) {
	var chunks []chunk
	var buf bytes.Buffer
	start := 0
	for n, line := range streamLines(data) {
		if rest, ok := bytes.CutPrefix(line, separator); ok {
			if trimmed := bytes.TrimSpace(rest); len(trimmed) > 0 && trimmed[0] != '#' {
				return nil, &ParseError{Source: source, Index: len(chunks) + 1, Err: fmt.Errorf("invalid Yaml document separator: %s", trimmed)}
			}
			if buf.Len() != 0 {
				chunks = append(chunks, chunk{data: bytes.Clone(buf.Bytes()), line: start})
				buf.Reset()
				start = 0
				continue
			}
		} else if start == 0 && isContentLine(line) {
			start = n + 1
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	if buf.Len() != 0 {
		chunks = append(chunks, chunk{data: buf.Bytes(), line: start})
	}
	return chunks, nil
}

// streamLines are the lines of data without their line ends ("\n" or
// "\r\n"); a last line without one is a line too.
func streamLines(data []byte) [][]byte {
	lines := bytes.Split(data, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	for i := range lines {
		if i < len(lines)-1 || bytes.HasSuffix(data, []byte("\n")) {
			lines[i] = bytes.TrimSuffix(lines[i], []byte("\r"))
		}
	}
	return lines
}

// isContentLine says whether a line holds YAML: not blank, not a comment.
func isContentLine(line []byte) bool {
	trimmed := bytes.TrimSpace(line)
	return len(trimmed) > 0 && trimmed[0] != '#'
}

// lineAt is the line number of a byte offset in data, counting from 1.
func lineAt(data []byte, offset int) int {
	return bytes.Count(data[:offset], []byte("\n")) + 1
}
