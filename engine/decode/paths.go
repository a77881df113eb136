package decode

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

// pathLists are the lists of repository paths a source may carry, each with
// the key that holds the path in an entry that is an object ("" for a string).
var pathLists = []struct {
	section, list, key string
}{
	{"helm", "valueFiles", ""},
	{"helm", "fileParameters", "path"},
	{"kustomize", "components", ""},
}

// checkPathLists refuses a source listing more than maxPathEntries value
// files, file parameters or components, or one whose path is longer than
// maxFieldBytes: the rules resolve every such path ("a/../b"), at a cost that
// grows with the number of entries and the length of each. Entries of other
// types are the rules' to ignore.
func checkPathLists(src model.Source, limits clusterconfig.Limits) field.ErrorList {
	var errs field.ErrorList
	for _, pl := range pathLists {
		section, _ := src.Fields[pl.section].(map[string]any)
		list, ok := section[pl.list].([]any)
		if !ok {
			continue
		}
		path := src.Path.Child(pl.section, pl.list)
		if len(list) > limits.MaxPathEntries {
			errs = append(errs, overLimit(path, len(list),
				fmt.Sprintf("must list at most %d entries", limits.MaxPathEntries), "limits.maxPathEntries"))
			continue
		}
		// The first long path of a list is named, not every one: a refusal
		// stays short however many a client sends.
		for i, entry := range list {
			var found field.ErrorList
			if pl.key == "" {
				found = checkPathString(entry, path.Index(i), limits.MaxFieldBytes)
			} else if obj, ok := entry.(map[string]any); ok {
				found = checkPathString(obj[pl.key], path.Index(i).Child(pl.key), limits.MaxFieldBytes)
			}
			if len(found) > 0 {
				errs = append(errs, found...)
				break
			}
		}
	}
	return errs
}

// checkPathString refuses a path string longer than maxBytes.
func checkPathString(value any, path *field.Path, maxBytes int) field.ErrorList {
	s, ok := value.(string)
	if !ok || len(s) <= maxBytes {
		return nil
	}
	return field.ErrorList{overLimit(path, shorten([]byte(s)),
		fmt.Sprintf("must be at most %d bytes, not %d", maxBytes, len(s)), "limits.maxFieldBytes")}
}

// checkHydratorPaths refuses a hydrator sync or hydrate path longer than
// maxBytes: the rules resolve both.
func checkHydratorPaths(spec map[string]any, maxBytes int) field.ErrorList {
	hydrator, _ := spec["sourceHydrator"].(map[string]any)
	var errs field.ErrorList
	for _, name := range []string{"syncSource", "hydrateTo"} {
		section, _ := hydrator[name].(map[string]any)
		errs = append(errs, checkPathString(section["path"], field.NewPath("spec", "sourceHydrator", name, "path"), maxBytes)...)
	}
	return errs
}

// checkPathBytes refuses an Application whose repository paths together hold
// more than maxPathBytes, naming the path at which the total passed it.
func checkPathBytes(spec map[string]any, sources []model.Source, maxBytes int) field.ErrorList {
	total := 0
	for _, p := range repositoryPaths(spec, sources) {
		if total += len(p.value); total > maxBytes {
			return field.ErrorList{overLimit(p.path, shorten([]byte(p.value)), fmt.Sprintf(
				"the Application's repository paths must total at most %d bytes, not %d so far", maxBytes, total), "limits.maxPathBytes")}
		}
	}
	return nil
}

type pathValue struct {
	path  *field.Path
	value string
}

// repositoryPaths are the path strings of an Application the rules resolve.
func repositoryPaths(spec map[string]any, sources []model.Source) []pathValue {
	var found []pathValue
	add := func(value any, path *field.Path) {
		if s, ok := value.(string); ok {
			found = append(found, pathValue{path, s})
		}
	}
	for _, src := range sources {
		add(src.Fields["path"], src.Path.Child("path"))
		for _, pl := range pathLists {
			section, _ := src.Fields[pl.section].(map[string]any)
			list, _ := section[pl.list].([]any)
			for i, entry := range list {
				if obj, ok := entry.(map[string]any); ok && pl.key != "" {
					add(obj[pl.key], src.Path.Child(pl.section, pl.list).Index(i).Child(pl.key))
				} else {
					add(entry, src.Path.Child(pl.section, pl.list).Index(i))
				}
			}
		}
	}
	hydrator, _ := spec["sourceHydrator"].(map[string]any)
	for _, name := range []string{"syncSource", "hydrateTo"} {
		section, _ := hydrator[name].(map[string]any)
		add(section["path"], field.NewPath("spec", "sourceHydrator", name, "path"))
	}
	return found
}
