package appset

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// renderer renders the strings of a template with one ApplicationSet's
// syntax. Go templates are parsed once per distinct string and executed for
// every parameter set; the output of all the Applications is bounded.
type renderer struct {
	goTemplate bool
	// base holds the functions and options every parsed string shares.
	base   *template.Template
	parsed map[string]*template.Template
	// budget is what is left of the rendered bytes of all the Applications.
	budget int
	max    int
}

// newRenderer makes a renderer for the syntax and options of an ApplicationSet.
func newRenderer(goTemplate bool, options []string, maxBytes int, path *field.Path) (*renderer, error) {
	r := &renderer{goTemplate: goTemplate, parsed: map[string]*template.Template{}, max: maxBytes, budget: maxBytes}
	if !goTemplate {
		return r, nil
	}
	base := template.New("").Funcs(funcs(maxBytes))
	for i, o := range options {
		if err := setOption(base, o); err != nil {
			return nil, field.Invalid(path.Index(i), o, err.Error())
		}
	}
	r.base = base
	return r, nil
}

// setOption sets a template option, turning text/template's panic on an
// unknown one into an error.
func setOption(t *template.Template, o string) (err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("is not an option of Go templates (missingkey=default, missingkey=zero, missingkey=error)")
		}
	}()
	t.Option(o)
	return nil
}

// value renders every string of v, map keys included, with the parameters.
func (r *renderer) value(v any, params map[string]any, path *field.Path) (any, error) {
	switch v := v.(type) {
	case string:
		return r.str(v, params, path)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, inner := range v {
			child := path.Child(k)
			rv, err := r.value(inner, params, child)
			if err != nil {
				return nil, err
			}
			rk, err := r.str(k, params, child)
			if err != nil {
				return nil, err
			}
			out[rk] = rv
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, inner := range v {
			rv, err := r.value(inner, params, path.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = rv
		}
		return out, nil
	}
	return v, nil
}

// str renders one string and charges it to the budget.
func (r *renderer) str(s string, params map[string]any, path *field.Path) (string, error) {
	out, err := r.render(s, params, path)
	if err != nil {
		return "", err
	}
	if r.budget -= len(out); r.budget < 0 {
		return "", field.Invalid(path, len(out), fmt.Sprintf("renders more than %d bytes for the ApplicationSet's Applications (limits.maxRenderedBytes)", r.max))
	}
	return out, nil
}

// isTemplated is the test Argo CD applies before substituting a string in
// the default syntax: a {{ and a later }} on one line.
var isTemplated = regexp.MustCompile("{{.*}}")

func (r *renderer) render(s string, params map[string]any, path *field.Path) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	if !r.goTemplate {
		if !isTemplated.MatchString(s) {
			return s, nil
		}
		out, ok := substitute(s, params)
		if !ok {
			return "", field.Invalid(path, s, "has a {{ with no }} after it")
		}
		return out, nil
	}
	t, err := r.template(s)
	if err != nil {
		return "", field.Invalid(path, s, err.Error())
	}
	w := &bounded{left: r.budget}
	if err := t.Execute(w, params); err != nil {
		return "", field.Invalid(path, s, err.Error())
	}
	return w.buf.String(), nil
}

// template parses a string once for this ApplicationSet.
func (r *renderer) template(s string) (*template.Template, error) {
	if t, ok := r.parsed[s]; ok {
		return t, nil
	}
	clone, err := r.base.Clone()
	if err != nil {
		return nil, err
	}
	t, err := clone.Parse(s)
	if err != nil {
		return nil, err
	}
	if err := checkLoops(t); err != nil {
		return nil, err
	}
	r.parsed[s] = t
	return t, nil
}

// substitute is Argo CD's default syntax: each {{tag}} whose trimmed tag
// names a string parameter becomes its value; any other tag is kept as
// written. A {{ with no }} after it makes the string no template (false).
func substitute(s string, params map[string]any) (string, bool) {
	var b strings.Builder
	for {
		start := strings.Index(s, "{{")
		if start < 0 {
			break
		}
		end := strings.Index(s[start+2:], "}}")
		if end < 0 {
			return "", false
		}
		tag := s[start+2 : start+2+end]
		b.WriteString(s[:start])
		trimmed := strings.TrimSpace(tag)
		if value, ok := params[trimmed].(string); ok && trimmed != "" {
			b.WriteString(value)
		} else {
			b.WriteString("{{" + tag + "}}")
		}
		s = s[start+2+end+2:]
	}
	b.WriteString(s)
	return b.String(), true
}

// bounded is a buffer that refuses to grow past what is left of a budget.
type bounded struct {
	buf  bytes.Buffer
	left int
}

// errTooLarge stops a template whose output passes the budget.
var errTooLarge = errors.New("renders more bytes than limits.maxRenderedBytes allows for the ApplicationSet's Applications")

func (b *bounded) Write(p []byte) (int, error) {
	if b.buf.Len()+len(p) > b.left {
		return 0, errTooLarge
	}
	return b.buf.Write(p)
}
