package appset

import (
	"encoding/json"
	"fmt"
	"maps"
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
	options    []string
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

// nested reads a matrix's or merge's list of child generators.
func nested(raw any, path *field.Path, least int) ([]map[string]any, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, field.Invalid(path, raw, "must be an object")
	}
	list, _ := obj["generators"].([]any)
	if len(list) < least {
		return nil, field.Invalid(path.Child("generators"), len(list), fmt.Sprintf("must list at least %d generators", least))
	}
	gens := make([]map[string]any, len(list))
	for i, g := range list {
		if gens[i], ok = g.(map[string]any); !ok {
			return nil, field.Invalid(path.Child("generators").Index(i), g, "must be an object")
		}
	}
	return gens, nil
}

// matrix returns every combination of its two generators' parameters; the
// second generator's elements are rendered with the first's parameters.
func (x *expander) matrix(raw any, path *field.Path) ([]Params, error) {
	gens, err := nested(raw, path, 2)
	if err != nil {
		return nil, err
	}
	if len(gens) > 2 {
		return nil, field.Invalid(path.Child("generators"), len(gens), "must list exactly 2 generators")
	}
	first, err := x.generator(gens[0], path.Child("generators").Index(0), nil)
	if err != nil {
		return nil, err
	}
	var sets []Params
	for _, a := range first {
		second, err := x.generator(gens[1], path.Child("generators").Index(1), a.Values)
		if err != nil {
			return nil, err
		}
		if len(sets)+len(second) > x.max {
			return nil, tooMany(path, len(sets)+len(second), x.max)
		}
		for _, b := range second {
			combined, err := x.combine(a.Values, b.Values, path)
			if err != nil {
				return nil, err
			}
			sets = append(sets, Params{At: a.At + " × " + b.At, Values: combined})
		}
	}
	return sets, nil
}

// combine joins a matrix's two parameter sets: with goTemplate a deep merge
// where the first wins, else a union whose common keys must agree.
func (x *expander) combine(a, b map[string]any, path *field.Path) (map[string]any, error) {
	if x.goTemplate {
		return deepMerge(deepMerge(map[string]any{}, b), a), nil
	}
	out := maps.Clone(a)
	for k, v := range b {
		if current, ok := out[k]; ok && current != v {
			return nil, field.Invalid(path, k, fmt.Sprintf("both generators set parameter %q, to %q and %q", k, current, v))
		}
		out[k] = v
	}
	return out, nil
}

// merge returns the first generator's parameter sets, each overridden by the
// sets of the later generators that agree with it on every merge key.
func (x *expander) merge(raw any, path *field.Path) ([]Params, error) {
	gens, err := nested(raw, path, 2)
	if err != nil {
		return nil, err
	}
	mergeKeys, _ := raw.(map[string]any)["mergeKeys"].([]any)
	if len(mergeKeys) == 0 {
		return nil, field.Required(path.Child("mergeKeys"), "a merge generator needs merge keys")
	}
	var base []Params
	var index map[string]int
	for i, g := range gens {
		sets, err := x.generator(g, path.Child("generators").Index(i), nil)
		if err != nil {
			return nil, err
		}
		byKey, err := byMergeKey(sets, mergeKeys, path.Child("generators").Index(i))
		if err != nil {
			return nil, err
		}
		if i == 0 {
			base, index = sets, byKey
			continue
		}
		for key, j := range byKey {
			if k, ok := index[key]; ok {
				base[k] = x.override(base[k], sets[j])
			}
		}
	}
	return base, nil
}

// override lays one merge generator's parameters over another's.
func (x *expander) override(base, over Params) Params {
	values := maps.Clone(base.Values)
	if x.goTemplate {
		values = deepMerge(deepMerge(map[string]any{}, base.Values), over.Values)
	} else {
		maps.Copy(values, over.Values)
	}
	return Params{At: base.At + " + " + over.At, Values: values}
}

// byMergeKey indexes parameter sets by their merge keys' values; two sets
// with the same values are an error, as in Argo CD.
func byMergeKey(sets []Params, mergeKeys []any, path *field.Path) (map[string]int, error) {
	out := make(map[string]int, len(sets))
	for i, s := range sets {
		key := map[string]any{}
		for _, k := range mergeKeys {
			name, _ := k.(string)
			key[name] = s.Values[name]
		}
		b, _ := json.Marshal(key)
		if _, dup := out[string(b)]; dup {
			return nil, field.Invalid(path, string(b), "two parameter sets have the same merge keys")
		}
		out[string(b)] = i
	}
	return out, nil
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

// deepMerge lays src over dst, maps merged key by key, and returns dst.
func deepMerge(dst, src map[string]any) map[string]any {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				dst[k] = deepMerge(maps.Clone(dm), sm)
				continue
			}
		}
		dst[k] = v
	}
	return dst
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
