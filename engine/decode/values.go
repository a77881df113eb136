package decode

import (
	"errors"
	"fmt"
	"io"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

// checkValuesText refuses Helm values text (helm.values as a string) that the
// rules could not parse within limits: malformed YAML, more than
// maxValuesBytes across the Application, more than maxValuesNodes nodes across
// it with every alias counted as what it expands to, or nesting past
// maxValuesDepth. The rules parse this text with yaml.unmarshal, whose alias
// check bounds only the ratio of aliases to nodes, so a few KiB of anchors
// expand to hundreds of thousands of nodes; here the text is parsed once into
// nodes, aliases left unexpanded, and measured before the rules see it.
func checkValuesText(sources []model.Source, limits clusterconfig.Limits) field.ErrorList {
	bytes := 0
	for _, src := range sources {
		text, ok := valuesText(src)
		if bytes += len(text); ok && bytes > limits.MaxValuesBytes {
			return field.ErrorList{overLimit(src.Path.Child("helm", "values"), len(text), fmt.Sprintf(
				"the Helm values text of the Application's sources must total at most %d bytes, not %d so far", limits.MaxValuesBytes, bytes),
				"limits.maxValuesBytes")}
		}
	}
	nodes := 0
	for _, src := range sources {
		text, ok := valuesText(src)
		if !ok {
			continue
		}
		used, err := MeasureYAML(text, limits.MaxValuesNodes-nodes, limits.MaxValuesDepth)
		if err != nil {
			return field.ErrorList{valuesError(src.Path.Child("helm", "values"), text, err, limits)}
		}
		nodes += used
	}
	return nil
}

// valuesText is a source's helm.values when it is text. An object (in a
// rendered manifest) was decoded within the manifest reader's bounds.
func valuesText(src model.Source) (string, bool) {
	helm, _ := src.Fields["helm"].(map[string]any)
	text, ok := helm["values"].(string)
	return text, ok
}

// valuesError names the limit a values text passed, or says it is not YAML.
func valuesError(path *field.Path, text string, err error, limits clusterconfig.Limits) *field.Error {
	switch {
	case errors.Is(err, ErrTooManyNodes):
		return overLimit(path, shorten([]byte(text)), fmt.Sprintf(
			"the Helm values text of the Application's sources must hold at most %d YAML nodes together, aliases counted as what they expand to",
			limits.MaxValuesNodes), "limits.maxValuesNodes")
	case errors.Is(err, ErrTooDeep):
		return overLimit(path, shorten([]byte(text)), fmt.Sprintf(
			"must nest at most %d levels deep, aliases expanded", limits.MaxValuesDepth), "limits.maxValuesDepth")
	}
	return field.Invalid(path, shorten([]byte(text)), fmt.Sprintf("must be valid YAML: %v", err))
}

// ErrTooManyNodes and ErrTooDeep are MeasureYAML's refusals of YAML past its bounds.
var (
	ErrTooManyNodes = errors.New("too many nodes")
	ErrTooDeep      = errors.New("nested too deep")
)

// MeasureYAML parses the first document of text (the one Helm and the rules'
// yaml.unmarshal read) into nodes and returns how many nodes it expands to.
// It stops with ErrTooManyNodes past maxNodes and ErrTooDeep past maxDepth,
// and refuses an alias that contains itself; any other error says the text
// is not YAML. Each node is measured once: an alias costs what
// its anchor measured, not a walk of it, so the cost is linear in the text.
func MeasureYAML(text string, maxNodes, maxDepth int) (int, error) {
	if flowDepth(text) > maxDepth {
		return 0, ErrTooDeep
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(strings.NewReader(text)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, nil // empty or only comments: no values
		}
		return 0, err
	}
	m := measurer{maxNodes: maxNodes, maxDepth: maxDepth, sizes: map[*yaml.Node]measure{}}
	got, err := m.measure(&doc, 0)
	return got.nodes, err
}

// flowDepth is how deep the flow collections of text nest at most, read from
// its brackets alone, outside quoted scalars and comments: the parser builds
// every level before the measure sees one, and thousands of levels cost
// milliseconds of CPU, so text nested past the limit in flow style is
// refused before it is parsed. A bracket inside a plain scalar counts too,
// which can only overstate the depth of text nobody writes (a hundred
// unclosed brackets in plain scalars).
func flowDepth(text string) int {
	depth, deepest := 0, 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '[', '{':
			depth++
			deepest = max(deepest, depth)
		case ']', '}':
			depth = max(depth-1, 0)
		case '"', '\'':
			i = closingQuote(text, i)
		case '#':
			if i == 0 || text[i-1] == ' ' || text[i-1] == '\t' || text[i-1] == '\n' {
				i = endOfLine(text, i)
			}
		}
	}
	return deepest
}

// closingQuote is the index of the quote that closes the scalar opened at
// text[open]: a double-quoted scalar escapes with a backslash, a
// single-quoted one by doubling the quote. An unclosed one runs to the end.
func closingQuote(text string, open int) int {
	quote := text[open]
	for i := open + 1; i < len(text); i++ {
		switch {
		case quote == '"' && text[i] == '\\':
			i++
		case text[i] == quote && quote == '\'' && i+1 < len(text) && text[i+1] == '\'':
			i++
		case text[i] == quote:
			return i
		}
	}
	return len(text)
}

// endOfLine is the index of the newline ending the line of text[i], or the end.
func endOfLine(text string, i int) int {
	if n := strings.IndexByte(text[i:], '\n'); n >= 0 {
		return i + n
	}
	return len(text)
}

// measure is what a node expands to: its nodes and its height.
type measure struct{ nodes, height int }

type measurer struct {
	maxNodes, maxDepth int
	// sizes holds the measures of anchored nodes, and marks those being
	// measured (height -1) so that an alias inside its own anchor is caught.
	sizes map[*yaml.Node]measure
}

func (m *measurer) measure(n *yaml.Node, depth int) (measure, error) {
	if n.Kind == yaml.AliasNode {
		return m.alias(n.Alias, depth)
	}
	if depth > m.maxDepth {
		return measure{}, ErrTooDeep
	}
	if n.Anchor != "" {
		m.sizes[n] = measure{height: -1}
	}
	got := measure{nodes: 1, height: 1}
	if n.Kind == yaml.DocumentNode {
		got.nodes, got.height = 0, 0 // the document is not a value
	}
	for _, child := range n.Content {
		c, err := m.measure(child, depth+1)
		if err != nil {
			return measure{}, err
		}
		got.nodes += c.nodes
		got.height = max(got.height, c.height+1)
		if got.nodes > m.maxNodes {
			return measure{}, ErrTooManyNodes
		}
	}
	if n.Anchor != "" {
		m.sizes[n] = got
	}
	return got, nil
}

// alias is what an alias expands to: its anchor's measure, checked against
// the depth the alias stands at.
func (m *measurer) alias(target *yaml.Node, depth int) (measure, error) {
	got, ok := m.sizes[target]
	if !ok || got.height < 0 {
		return measure{}, errors.New("an alias must follow its anchor's whole value, not stand inside it")
	}
	if depth+got.height-1 > m.maxDepth {
		return measure{}, ErrTooDeep
	}
	if got.nodes > m.maxNodes {
		return measure{}, ErrTooManyNodes
	}
	return got, nil
}
