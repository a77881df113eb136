package defaults

import (
	"slices"
	"strings"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

// ArchLabel is the node label the nodeSelector default selects on, and the key
// of the toleration for a tainted arch pool.
const ArchLabel = "kubernetes.io/arch"

// namesChart reports whether a source reads a Helm repository: it names a
// chart, and its targetRevision is then the chart's version.
func namesChart(src map[string]any) bool {
	chart, _ := src["chart"].(string)
	return chart != ""
}

// rendersChart reports whether a source renders a Helm chart: it names a chart,
// or it has a path and no kustomize, directory or plugin block. A ref-only
// source, which only lends its files to $ref value files, has neither, and
// values written there would reach no chart.
func rendersChart(src map[string]any) bool {
	if namesChart(src) {
		return true
	}
	if path, _ := src["path"].(string); path == "" {
		return false
	}
	for _, block := range []string{"kustomize", "directory", "plugin"} {
		if src[block] != nil {
			return false
		}
	}
	return true
}

// helmValue is one Helm value to default, at the keys of a dotted value path.
type helmValue struct {
	keys  []string
	value any
}

// wantedValues lists the Helm values a tenant's chart sources get, with fresh
// maps and lists for each source so that no two sources share one.
func wantedValues(o owner, paths clusterconfig.ValuePaths) []helmValue {
	var wanted []helmValue
	if o.arch != "" && paths.NodeSelector != "" {
		wanted = append(wanted, helmValue{append(dotted(paths.NodeSelector), ArchLabel), o.arch})
	}
	if o.tainted && paths.Tolerations != "" {
		toleration := map[string]any{"key": ArchLabel, "operator": "Equal", "value": o.arch, "effect": "NoSchedule"}
		wanted = append(wanted, helmValue{dotted(paths.Tolerations), []any{toleration}})
	}
	if o.mirror != "" && paths.ImageRegistry != "" {
		wanted = append(wanted, helmValue{dotted(paths.ImageRegistry), o.mirror})
	}
	return wanted
}

func dotted(path string) []string {
	return strings.Split(path, ".")
}

// helmValues fills the tenant's values into a chart source's helm.valuesObject.
func helmValues(src model.Source, o owner, paths clusterconfig.ValuePaths) []Change {
	wanted := wantedValues(o, paths)
	values, fresh, ok := valuesObject(src.Fields)
	if !ok || len(wanted) == 0 {
		return nil
	}
	valuesPath := src.Path.Child("helm", "valuesObject")
	valuesKeys := slices.Concat(src.Keys, []string{"helm", "valuesObject"})
	var attached []string // where a fresh values object is added
	if fresh {
		attached = valuesKeys
		if helm, _ := src.Fields["helm"].(map[string]any); helm == nil {
			attached = slices.Concat(src.Keys, []string{"helm"})
		}
	}
	var changes []Change
	for _, w := range wanted {
		if depth, ok := putAbsent(values, w.keys, w.value); ok {
			at := attached
			if at == nil {
				at = slices.Concat(valuesKeys, w.keys[:depth+1])
			}
			changes = append(changes, Change{Field: valuesPath.Child(w.keys[0], w.keys[1:]...).String(), Value: w.value, At: at})
		}
	}
	if len(changes) > 0 {
		// Attached only now, so that a source that gets nothing does not get an
		// empty helm block either: any helm block makes Argo CD render the
		// source as a chart.
		ensureObject(src.Fields, "helm")["valuesObject"] = values
	}
	return changes
}

// valuesObject returns the source's helm.valuesObject, or a new, not yet
// attached, object when it has none (fresh). ok is false when defaults must not
// be written: helm or valuesObject is not an object, or the source has inline
// helm.values and no valuesObject, since Argo CD renders with valuesObject
// instead of values whenever it is set, and a new one would drop them.
func valuesObject(src map[string]any) (values map[string]any, fresh, ok bool) {
	helm, ok := objectField(src, "helm")
	if !ok {
		return nil, false, false
	}
	values, ok = objectField(helm, "valuesObject")
	switch {
	case !ok:
		return nil, false, false
	case values != nil:
		return values, false, true
	case !unset(helm["values"]):
		return nil, false, false
	default:
		return map[string]any{}, true, true
	}
}

// putAbsent sets values at keys unless the last key is already there, even as
// null, which in Helm deletes the chart's own default. Missing objects on the way
// are created; anything else on the way, null included, is the user's and stops it.
// depth is the index of the first key it added: the one the created objects
// hang from, or the last.
func putAbsent(values map[string]any, keys []string, value any) (depth int, ok bool) {
	last := len(keys) - 1
	depth = -1
	for i, key := range keys[:last] {
		next, present := values[key]
		if !present {
			next = map[string]any{}
			values[key] = next
			if depth < 0 {
				depth = i
			}
		}
		child, ok := next.(map[string]any)
		if !ok {
			return 0, false
		}
		values = child
	}
	if _, present := values[keys[last]]; present {
		return 0, false
	}
	values[keys[last]] = value
	if depth < 0 {
		depth = last
	}
	return depth, true
}
