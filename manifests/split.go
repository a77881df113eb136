package manifests

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
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

// yamlSplitter cuts a YAML stream into its documents one at a time, as
// Kubernetes' YAML reader (k8s.io/apimachinery/pkg/util/yaml.YAMLReader)
// cuts it, so that documents are numbered as kubectl and helm number them,
// and notes where each starts: a "---" line ends a document that has any
// line, and otherwise stays in the document it opens; text after "---"
// other than a comment is an error; an empty document is still a document.
// It holds one document at a time, whatever the stream's length.
type yamlSplitter struct {
	source string
	r      *bufio.Reader
	lines  int // lines read so far
	cut    int // documents cut so far
	buf    bytes.Buffer
	start  int // the current document's first content line
	done   bool
}

func newYAMLSplitter(source string, r *bufio.Reader) *yamlSplitter {
	return &yamlSplitter{source: source, r: r}
}

// next is the stream's next document, io.EOF after the last.
func (s *yamlSplitter) next() (chunk, error) {
	for !s.done {
		line, err := s.readLine()
		if err != nil {
			return chunk{}, err
		}
		if line == nil {
			break
		}
		if rest, ok := bytes.CutPrefix(line, separator); ok {
			if trimmed := bytes.TrimSpace(rest); len(trimmed) > 0 && trimmed[0] != '#' {
				return chunk{}, &ParseError{Source: s.source, Index: s.cut + 1, Err: fmt.Errorf("invalid Yaml document separator: %s", trimmed)}
			}
			if s.buf.Len() != 0 {
				return s.emit(), nil
			}
		} else if s.start == 0 && isContentLine(line) {
			s.start = s.lines
		}
		s.buf.Write(line)
		s.buf.WriteByte('\n')
	}
	if s.buf.Len() != 0 {
		return s.emit(), nil
	}
	return chunk{}, io.EOF
}

// readLine is the next line without its line end ("\n" or "\r\n"; a last
// line without one is a line too), nil at the end of the stream.
func (s *yamlSplitter) readLine() ([]byte, error) {
	line, err := s.r.ReadBytes('\n')
	if errors.Is(err, io.EOF) {
		s.done = true
		if len(line) == 0 {
			return nil, nil
		}
	} else if err != nil {
		return nil, err
	}
	s.lines++
	if trimmed, ok := bytes.CutSuffix(line, []byte("\n")); ok {
		return bytes.TrimSuffix(trimmed, []byte("\r")), nil
	}
	return line, nil
}

// emit ends the current document.
func (s *yamlSplitter) emit() chunk {
	c := chunk{data: bytes.Clone(s.buf.Bytes()), line: s.start}
	s.buf.Reset()
	s.start = 0
	s.cut++
	return c
}

// splitYAML cuts a whole YAML stream into its documents.
func splitYAML(source string, data []byte) ([]chunk, error) {
	s := newYAMLSplitter(source, bufio.NewReader(bytes.NewReader(data)))
	var chunks []chunk
	for {
		c, err := s.next()
		if errors.Is(err, io.EOF) {
			return chunks, nil
		}
		if err != nil {
			return nil, err
		}
		chunks = append(chunks, c)
	}
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
