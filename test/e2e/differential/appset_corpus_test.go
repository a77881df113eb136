package differential

import (
	"fmt"
	"maps"
)

// corpusAppSets is how many ApplicationSets the corpus holds.
const corpusAppSets = 300

// applicationSet builds an ApplicationSet whose template is an Application
// the corpus could hold (so its tenant label, destination, sources and
// revisions vary as theirs do), in Argo CD's default syntax, which every
// runner renders: most often a list generator that templates the source
// path with one to three elements, some reading production/ or climbing out
// of staging/; else a git generator whose template leaves the path, and
// sometimes the project, revision or destination namespace, to the
// directories it finds.
func (g *generator) applicationSet(name string) map[string]any {
	app := g.application(name)
	meta, _ := app["metadata"].(map[string]any)
	spec, _ := app["spec"].(map[string]any)
	spec = maps.Clone(spec)
	templateMeta := map[string]any{"name": name + "-{{c}}"}
	appsetMeta := map[string]any{"name": name}
	if ns, ok := meta["namespace"]; ok {
		appsetMeta["namespace"] = ns
	}
	if labels, ok := meta["labels"].(map[string]any); ok && len(labels) > 0 {
		templateMeta["labels"] = labels
		appsetMeta["labels"] = labels
	}
	var generator map[string]any
	source, _ := spec["source"].(map[string]any)
	_, hasPath := source["path"].(string)
	switch {
	case hasPath && g.chance(3, 10):
		source = maps.Clone(source)
		source["path"] = pick(g.r, "{{path}}", "staging/{{path.basename}}", "production/{{path.basename}}", "{{name}}")
		spec["source"] = source
		if g.chance(1, 4) {
			spec["project"] = "{{path.basename}}"
		}
		if g.chance(1, 5) {
			source["targetRevision"] = "{{branch}}"
		}
		if dest, ok := spec["destination"].(map[string]any); ok && g.chance(1, 5) {
			dest = maps.Clone(dest)
			dest["namespace"] = "tenant-{{path.basename}}"
			spec["destination"] = dest
		}
		generator = map[string]any{"git": map[string]any{
			"repoURL": platformRepo, "revision": "HEAD",
			"directories": []any{map[string]any{"path": pick(g.r, "staging/*", "production/*", "*/*", "staging/apps/*")}},
		}}
	case hasPath:
		source = maps.Clone(source)
		original := source["path"].(string)
		source["path"] = "{{p}}"
		spec["source"] = source
		var elements []any
		for i := range 1 + g.r.IntN(3) {
			elements = append(elements, map[string]any{
				"c": fmt.Sprintf("e%d", i),
				"p": pick(g.r, original, original, "production/shop", "staging/shop", "staging/../production/shop"),
			})
		}
		generator = map[string]any{"list": map[string]any{"elements": elements}}
	default:
		generator = map[string]any{"list": map[string]any{"elements": []any{map[string]any{"c": "only"}}}}
	}
	return map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet", "metadata": appsetMeta,
		"spec": map[string]any{
			"generators": []any{generator},
			"template":   map[string]any{"metadata": templateMeta, "spec": spec},
		},
	}
}
