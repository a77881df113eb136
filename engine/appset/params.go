package appset

import (
	"encoding/json"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// opaqueGenerators are the generators whose parameters come from outside the
// ApplicationSet: they cannot be rendered at admission.
var opaqueGenerators = []string{"git", "clusters", "scmProvider", "pullRequest", "plugin", "clusterDecisionResource"}

// Params is one set of parameters a generator makes, and the generator
// elements it came from.
type Params struct {
	// At names the elements that made the parameters, such as
	// spec.generators[0].list.elements[2].
	At string
	// Values are the parameters a template reads.
	Values map[string]any
}

// expander reads the parameters of generators within a budget of sets.
type expander struct {
	goTemplate bool
	max        int
	renderer   *renderer
}

// errOpaque marks a generator whose parameters cannot be known.
type errOpaque struct{ path *field.Path }

func (e errOpaque) Error() string {
	return e.path.String() + " reads its parameters from outside the ApplicationSet"
}

// generator returns the parameter sets of one generator (a member of
// spec.generators or of a matrix or merge), filtered by its selector.
func (x *expander) generator(gen map[string]any, path *field.Path, outer map[string]any) ([]Params, error) {
	var sets []Params
	var err error
	switch {
	case gen["list"] != nil:
		sets, err = x.list(gen["list"], path.Child("list"), outer)
	case gen["matrix"] != nil:
		sets, err = x.matrix(gen["matrix"], path.Child("matrix"))
	case gen["merge"] != nil:
		sets, err = x.merge(gen["merge"], path.Child("merge"))
	default:
		for _, name := range opaqueGenerators {
			if gen[name] != nil {
				return nil, errOpaque{path.Child(name)}
			}
		}
		return nil, field.Invalid(path, keys(gen), "names no generator Argo CD knows")
	}
	if err != nil {
		return nil, err
	}
	return x.selected(sets, gen["selector"], path.Child("selector"))
}

// list returns a list generator's elements as parameters: in the default
// syntax every value a string and the values map flattened to values.<key>;
// with goTemplate the element as it is.
func (x *expander) list(raw any, path *field.Path, outer map[string]any) ([]Params, error) {
	list, ok := raw.(map[string]any)
	if !ok {
		return nil, field.Invalid(path, raw, "must be an object")
	}
	if y, _ := list["elementsYaml"].(string); y != "" {
		return nil, errOpaque{path.Child("elementsYaml")}
	}
	elements, _ := list["elements"].([]any)
	if list["elements"] != nil && elements == nil {
		return nil, field.Invalid(path.Child("elements"), list["elements"], "must be a list")
	}
	if len(elements) > x.max {
		return nil, tooMany(path.Child("elements"), len(elements), x.max)
	}
	sets := make([]Params, 0, len(elements))
	for i, e := range elements {
		at := path.Child("elements").Index(i)
		element, ok := e.(map[string]any)
		if !ok {
			return nil, field.Invalid(at, e, "must be an object")
		}
		if outer != nil {
			interpolated, err := x.renderer.value(element, outer, at)
			if err != nil {
				return nil, err
			}
			element = interpolated.(map[string]any)
		}
		values, err := x.elementParams(element, at)
		if err != nil {
			return nil, err
		}
		sets = append(sets, Params{At: at.String(), Values: values})
	}
	return sets, nil
}

// elementParams reads one list element as parameters.
func (x *expander) elementParams(element map[string]any, at *field.Path) (map[string]any, error) {
	if x.goTemplate {
		return plain(element).(map[string]any), nil
	}
	params := make(map[string]any, len(element))
	for key, value := range element {
		if key != "values" {
			s, ok := value.(string)
			if !ok {
				return nil, field.Invalid(at.Key(key), value, "must be a string without goTemplate")
			}
			params[key] = s
			continue
		}
		values, ok := value.(map[string]any)
		if !ok {
			return nil, field.Invalid(at.Key(key), value, "must be an object")
		}
		for k, v := range values {
			s, ok := v.(string)
			if !ok {
				return nil, field.Invalid(at.Key(key).Key(k), v, "must be a string without goTemplate")
			}
			params["values."+k] = s
		}
	}
	return params, nil
}

// selected keeps the sets whose flattened parameters match the selector.
func (x *expander) selected(sets []Params, raw any, path *field.Path) ([]Params, error) {
	if raw == nil {
		return sets, nil
	}
	b, _ := json.Marshal(raw)
	var ls metav1.LabelSelector
	if err := json.Unmarshal(b, &ls); err != nil {
		return nil, field.Invalid(path, raw, "must be a label selector")
	}
	selector, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil {
		return nil, field.Invalid(path, raw, err.Error())
	}
	var kept []Params
	for _, s := range sets {
		if selector.Matches(labels.Set(flatten(s.Values))) {
			kept = append(kept, s)
		}
	}
	return kept, nil
}

// flatten writes nested parameters as dotted keys with string values.
func flatten(values map[string]any) map[string]string {
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, inner := range v {
				walk(strings.TrimPrefix(prefix+"."+k, "."), inner)
			}
		case []any:
			for i, inner := range v {
				walk(fmt.Sprintf("%s.%d", prefix, i), inner)
			}
		default:
			out[prefix] = fmt.Sprint(v)
		}
	}
	walk("", values)
	return out
}

// plain converts json.Number values to float64, as encoding/json decodes
// an element for Argo CD's templates.
func plain(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, inner := range v {
			out[k] = plain(inner)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, inner := range v {
			out[i] = plain(inner)
		}
		return out
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return v.String()
		}
		return f
	}
	return v
}

func keys(m map[string]any) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	return strings.Join(names, ",")
}

func tooMany(path *field.Path, n, max int) error {
	return field.Invalid(path, n, fmt.Sprintf("generates more than %d Applications (limits.maxGeneratedApplications)", max))
}
