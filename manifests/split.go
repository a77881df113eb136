package manifests

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// chunk is one document's bytes in a YAML stream and the line it starts at.
type chunk struct {
	data []byte
	// line is the document's first line that is neither blank, a comment
	// nor a bare separator, counting from 1; 0 when it has none (an empty document).
	line int
	// first is the line of the stream that data starts with, from which
	// the lines a parser counts in data are counted in the stream.
	first int
	// body is the offset in data of the line numbered line.
	body int
}

// separator starts a line that ends a YAML document; documentEnd, alone on
// its line, ends one without starting the next.
var (
	separator   = []byte("---")
	documentEnd = []byte("...")
)

// yamlSplitter cuts a YAML stream into its documents one at a time, as
// Kubernetes' YAML reader (k8s.io/apimachinery/pkg/util/yaml.YAMLReader)
// cuts it, so that documents are numbered as kubectl and helm number them,
// and notes where each starts: a "---" line ends a document that has any
// line, and otherwise stays in the document it opens; an empty document is
// still a document. Valid streams that Kubernetes' reader refuses or
// reads wrong are cut as YAML means them: text after "---" (a flow
// collection or a scalar, "--- {...}") is the first line of the document
// it opens, which the YAML parser then judges; a "..." line, the end
// of a document (jsonnet -y ends its streams with one), ends the document
// without being part of it; and directives (%YAML, %TAG) stay with the
// document their "---" opens. Valid YAML never holds "---" or "..." at the
// start of a line inside a document, so the cuts are those of the YAML
// parser; in an invalid stream they are where it can resume.
// It holds one document at a time, whatever the stream's length.
type yamlSplitter struct {
	r       *bufio.Reader
	lines   int // lines read so far
	cut     int // documents cut so far
	buf     bytes.Buffer
	first   int    // the line the current document's bytes start at
	start   int    // the current document's first content line
	body    int    // the offset of that line in buf
	pending []byte // a "--- text" line that opens the next document
	// directives is set when the current document has directives (%YAML,
	// %TAG) and no content yet: the "---" after them opens their document.
	directives bool
	done       bool
}

func newYAMLSplitter(r *bufio.Reader) *yamlSplitter {
	return &yamlSplitter{r: r}
}

// next is the stream's next document, io.EOF after the last. Its error is
// only ever the reader's.
func (s *yamlSplitter) next() (chunk, error) {
	if s.pending != nil {
		s.add(s.pending, true)
		s.pending = nil
	}
	for !s.done {
		line, err := s.readLine()
		if err != nil {
			return chunk{}, err
		}
		if line == nil {
			break
		}
		if marker, rest, ok := cutMarker(line); ok {
			opens := len(rest) > 0 // "--- text": the text belongs to the next document
			switch {
			case s.directives && bytes.Equal(marker, separator):
				s.directives = false // the document of the directives starts here
			case s.buf.Len() != 0 && opens:
				s.pending = line
				return s.emit(), nil
			case s.buf.Len() != 0:
				return s.emit(), nil
			case !opens && bytes.Equal(marker, documentEnd):
				continue // a document end with no document before it
			}
			s.add(line, opens)
			continue
		}
		s.add(line, isContentLine(line))
	}
	if s.buf.Len() != 0 {
		return s.emit(), nil
	}
	return chunk{}, io.EOF
}

// add appends a line of the stream, read as the s.lines-th, to the current
// document; content says whether it is a line of YAML.
func (s *yamlSplitter) add(line []byte, content bool) {
	if s.buf.Len() == 0 {
		s.first = s.lines
	}
	if s.start == 0 && len(line) > 0 && line[0] == '%' {
		s.directives, content = true, false
	}
	if s.start == 0 && content {
		s.start, s.body = s.lines, s.buf.Len()
	}
	s.buf.Write(line)
	s.buf.WriteByte('\n')
}

// cutMarker says whether a line is a document marker ("---" or "...",
// alone or followed by white space), and returns the marker and what
// follows it other than white space and a comment.
func cutMarker(line []byte) (marker, rest []byte, ok bool) {
	for _, m := range [][]byte{separator, documentEnd} {
		after, found := bytes.CutPrefix(line, m)
		if !found || len(after) > 0 && !bytes.ContainsRune([]byte(" \t#"), rune(after[0])) {
			continue // "---x" is a scalar, not a marker
		}
		if trimmed := bytes.TrimSpace(after); len(trimmed) > 0 && trimmed[0] != '#' {
			return m, trimmed, true
		}
		return m, nil, true
	}
	return nil, nil, false
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
	c := chunk{data: bytes.Clone(s.buf.Bytes()), line: s.start, first: s.first, body: s.body}
	s.buf.Reset()
	s.start, s.first, s.body, s.directives = 0, 0, 0, false
	s.cut++
	return c
}

// splitYAML cuts a whole YAML stream into its documents.
func splitYAML(data []byte) ([]chunk, error) {
	s := newYAMLSplitter(bufio.NewReader(bytes.NewReader(data)))
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
