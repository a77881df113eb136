package appset

import (
	"encoding/json"
	"fmt"
	"maps"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

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
