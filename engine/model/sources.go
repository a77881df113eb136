package model

import (
	"strconv"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Source is one source of an Application, with the field path it sits at.
type Source struct {
	// Path is where the source is written, such as spec.sources[1].
	Path *field.Path
	// Keys are the same place as the keys from the object's root, a list
	// index as its decimal, such as spec, sources, 1: a JSON patch's path.
	Keys []string
	// Fields is the source object itself; changes to it change the Application.
	Fields map[string]any
}

// Sources lists every source of an Application: spec.source, each entry of
// spec.sources and spec.sourceHydrator.drySource, in that order. Entries that
// are absent or not objects are left out; decoding refuses those before they
// reach the defaults or the rules.
func Sources(app map[string]any) []Source {
	spec, _ := app["spec"].(map[string]any)
	if spec == nil {
		return nil
	}
	specPath := field.NewPath("spec")
	var sources []Source
	if src, ok := spec["source"].(map[string]any); ok {
		sources = append(sources, Source{Path: specPath.Child("source"), Keys: []string{"spec", "source"}, Fields: src})
	}
	list, _ := spec["sources"].([]any)
	for i, entry := range list {
		if src, ok := entry.(map[string]any); ok {
			sources = append(sources, Source{Path: specPath.Child("sources").Index(i),
				Keys: []string{"spec", "sources", strconv.Itoa(i)}, Fields: src})
		}
	}
	hydrator, _ := spec["sourceHydrator"].(map[string]any)
	if src, ok := hydrator["drySource"].(map[string]any); ok {
		sources = append(sources, Source{Path: specPath.Child("sourceHydrator", "drySource"),
			Keys: []string{"spec", "sourceHydrator", "drySource"}, Fields: src})
	}
	return sources
}
