package manifests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// splitStreams are YAML streams cut in the ways that matter: separators
// first, last and doubled, comments after them, documents of comments only,
// CRLF line ends, no final line end.
var splitStreams = map[string]string{
	"one document":                  "a: 1\nb: 2\n",
	"helm's output":                 "---\n# Source: shop/templates/a.yaml\na: 1\n---\n# Source: shop/templates/b.yaml\nb: 2\n",
	"a separator with a comment":    "a: 1\n--- # next\nb: 2\n",
	"an empty document in between":  "a: 1\n---\n---\nb: 2\n",
	"a document of comments only":   "a: 1\n---\n# nothing\n---\nb: 2\n",
	"a trailing separator":          "a: 1\n---\n",
	"no final line end":             "a: 1\n---\nb: 2",
	"CRLF line ends":                "a: 1\r\n---\r\nb: 2\r\n",
	"blank lines before a document": "\n\n  \nkind: A\n---\n\n\nkind: B\n",
	"only separators":               "---\n---\n",
	"a block scalar with dashes":    "a: |\n  ---x\n",
}

// readerChunks is what Kubernetes' YAML reader cuts a stream into.
func readerChunks(t *testing.T, data string) [][]byte {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader([]byte(data))))
	var chunks [][]byte
	for {
		chunk, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return chunks
		}
		require.NoError(t, err)
		chunks = append(chunks, chunk)
	}
}

// The documents and their numbers must stay those of Kubernetes' reader
// (and so kubectl's and helm's), which splitYAML replaced to learn lines.
func TestSplitYAMLCutsAsKubernetesReaderDoes(t *testing.T) {
	for name, data := range splitStreams {
		t.Run(name, func(t *testing.T) {
			chunks, err := splitYAML([]byte(data))
			require.NoError(t, err)
			var got [][]byte
			for _, c := range chunks {
				got = append(got, c.data)
			}
			assert.Equal(t, readerChunks(t, data), got)
		})
	}
}

func TestSplitYAMLNotesWhereEachDocumentStarts(t *testing.T) {
	chunks, err := splitYAML([]byte(splitStreams["helm's output"]))
	require.NoError(t, err)
	require.Len(t, chunks, 2)
	assert.Equal(t, 3, chunks[0].line, "the first line that is not a separator or a comment")
	assert.Equal(t, 6, chunks[1].line)
	chunks, err = splitYAML([]byte(splitStreams["blank lines before a document"]))
	require.NoError(t, err)
	assert.Equal(t, []int{4, 8}, []int{chunks[0].line, chunks[1].line})
}

// Kubernetes' reader refuses "--- text", which YAML allows for a flow
// collection or a scalar: the text opens the next document, and the YAML
// parser judges it.
func TestSplitYAMLKeepsTextAfterASeparatorInTheDocumentItOpens(t *testing.T) {
	chunks, err := splitYAML([]byte("a: 1\n--- {\"b\": 2}\n---\nc: 3\n"))
	require.NoError(t, err)
	require.Len(t, chunks, 3)
	assert.Equal(t, "--- {\"b\": 2}\n", string(chunks[1].data))
	assert.Equal(t, 2, chunks[1].line)
	_, refErr := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader([]byte("a: 1\n--- b: 2\n")))).Read()
	assert.Error(t, refErr, "Kubernetes' reader refuses it")
}

// A "..." line ends a document without being part of it: jsonnet -y ends
// its streams with one, and a document may follow one without "---".
func TestSplitYAMLEndsADocumentAtItsEndMarker(t *testing.T) {
	chunks, err := splitYAML([]byte("---\n{\"a\": 1}\n---\n{\"b\": 2}\n...\n"))
	require.NoError(t, err)
	require.Len(t, chunks, 2, "the end marker opens no document")
	assert.Equal(t, "{\"b\": 2}\n", string(chunks[1].data))
	assert.Equal(t, []int{2, 4}, []int{chunks[0].line, chunks[1].line})

	chunks, err = splitYAML([]byte("a: 1\n... # end\n# next\nb: 2\n...\n...\n"))
	require.NoError(t, err)
	require.Len(t, chunks, 2)
	assert.Equal(t, "a: 1\n", string(chunks[0].data))
	assert.Equal(t, "# next\nb: 2\n", string(chunks[1].data))
	assert.Equal(t, 4, chunks[1].line)
	assert.Equal(t, 3, chunks[1].first, "the line data starts at, from which a parser's lines count")
	assert.Equal(t, len("# next\n"), chunks[1].body, "where the first line of YAML is in data")
}

func TestSplitYAMLKeepsDirectivesWithTheirDocument(t *testing.T) {
	chunks, err := splitYAML([]byte("a: 1\n---\n%YAML 1.1\n# c\n---\nb: 2\n"))
	require.NoError(t, err)
	require.Len(t, chunks, 2)
	assert.Equal(t, "%YAML 1.1\n# c\n---\nb: 2\n", string(chunks[1].data))
	assert.Equal(t, 6, chunks[1].line)
	obj, err := yamlObject(chunks[1].data, chunks[1].first)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"b": json.Number("2")}, obj)
}

func TestSplitYAMLReadsMarkersOnlyAtTheStartOfALine(t *testing.T) {
	chunks, err := splitYAML([]byte("a: ---x\n---x: 1\n  ...\nb: |\n  ---\n"))
	require.NoError(t, err)
	assert.Len(t, chunks, 1, "---x is a scalar, and an indented marker is text")
}

func TestJSONStreamsNoteWhereEachObjectStarts(t *testing.T) {
	docs, err := Read([]string{Stdin}, strings.NewReader("{\"kind\": \"A\"}\n\n  {\n\"kind\": \"B\"}\n"))
	require.NoError(t, err)
	require.Len(t, docs, 2)
	assert.Equal(t, []int{1, 3}, []int{docs[0].Line, docs[1].Line})
	assert.Equal(t, []int{1, 2}, []int{docs[0].Index, docs[1].Index})
}

// BenchmarkSplitYAML compares splitYAML with the Kubernetes reader it
// replaced, on helm template output of 10,000 documents.
func BenchmarkSplitYAML(b *testing.B) {
	var stream bytes.Buffer
	for i := range 10000 {
		stream.WriteString("---\n# Source: shop/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n")
		stream.WriteString("data:\n  key: value-" + string(rune('a'+i%26)) + "\n")
	}
	data := stream.Bytes()
	b.Run("splitYAML", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := splitYAML(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("kubernetes reader", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
			for {
				if _, err := reader.Read(); err != nil {
					break
				}
			}
		}
	})
}

// FuzzSplitYAMLCutsAsKubernetesReaderDoes holds splitYAML to Kubernetes'
// reader on any stream that reader reads and that has no "..." end marker
// and no directive, which only splitYAML knows: the same documents. splitYAML refuses no
// stream; the YAML parser judges each document.
func FuzzSplitYAMLCutsAsKubernetesReaderDoes(f *testing.F) {
	for _, data := range splitStreams {
		f.Add(data)
	}
	f.Add("a: 1\n--- b\n")
	f.Add("a: 1\n...\nb: 2\n")
	f.Add("%YAML 1.1\n---\na: 1\n")
	f.Fuzz(func(t *testing.T, data string) {
		chunks, err := splitYAML([]byte(data))
		require.NoError(t, err)
		var want [][]byte
		reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader([]byte(data))))
		for {
			chunk, err := reader.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return // a stream Kubernetes' reader refuses
			}
			want = append(want, chunk)
		}
		for _, line := range strings.Split(data, "\n") {
			if _, _, ok := cutMarker([]byte(strings.TrimSuffix(line, "\r"))); ok && strings.HasPrefix(line, "...") || strings.HasPrefix(line, "%") {
				return
			}
		}
		var got [][]byte
		for _, c := range chunks {
			got = append(got, c.data)
		}
		assert.Equal(t, want, got)
	})
}
