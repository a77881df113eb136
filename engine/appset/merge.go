package appset

import "maps"

// mergePatch applies a JSON merge patch (RFC 7386): objects merged key by
// key, null removing a key, anything else replacing. Argo CD applies
// templatePatch as a strategic merge patch on its Application type, which
// declares no merge keys, so the two agree.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	out := maps.Clone(t)
	for k, v := range p {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = mergePatch(out[k], v)
	}
	return out
}

// fill sets in dst what it leaves empty from src, maps filled key by key,
// and returns dst: a generator's own template over the ApplicationSet's.
func fill(dst, src map[string]any) map[string]any {
	for k, v := range src {
		switch d := dst[k].(type) {
		case map[string]any:
			if s, ok := v.(map[string]any); ok {
				dst[k] = fill(d, s)
			}
		case nil:
			dst[k] = v
		case string:
			if d == "" {
				dst[k] = v
			}
		}
	}
	return dst
}

// deepCopy copies maps and lists, so that filling one leaves the object as it was.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, inner := range v {
			out[k] = deepCopy(inner)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, inner := range v {
			out[i] = deepCopy(inner)
		}
		return out
	}
	return v
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
