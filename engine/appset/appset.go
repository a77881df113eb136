package appset

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// Options bound the work of rendering one ApplicationSet.
type Options struct {
	// MaxApplications is the most Applications rendered.
	MaxApplications int
	// MaxRenderedBytes is the most bytes of strings rendered for all the
	// Applications together.
	MaxRenderedBytes int
}

// Generated is one Application an ApplicationSet makes.
type Generated struct {
	// At names the generator elements whose parameters made it, such as
	// spec.generators[0].list.elements[2]; for a template it names the opaque
	// generator, such as spec.generators[1].git.
	At string
	// Application is the Application as Argo CD would create it: apiVersion,
	// kind, metadata (namespace the ApplicationSet's, owned by it) and spec.
	Application map[string]any
	// Template reports an Application rendered with no parameters, for a
	// generator whose parameters are not known: its {{...}} fields are left as
	// written, for the rules on templates to judge.
	Template bool
}

// ResourcesFinalizer is the finalizer Argo CD puts on a generated Application
// whose template names none, unless the ApplicationSet preserves resources
// on deletion.
const ResourcesFinalizer = "resources-finalizer.argocd.argoproj.io"

// Generate renders the Applications of an ApplicationSet: every Application
// of its list, matrix and merge generators, and the bare template of each
// generator whose parameters come from outside. The error names the field
// that cannot be rendered, or the limit passed.
func Generate(appset map[string]any, opts Options) ([]Generated, error) {
	specPath := field.NewPath("spec")
	spec, _ := appset["spec"].(map[string]any)
	goTemplate, _ := spec["goTemplate"].(bool)
	options, err := stringList(spec["goTemplateOptions"], specPath.Child("goTemplateOptions"))
	if err != nil {
		return nil, err
	}
	r, err := newRenderer(goTemplate, options, opts.MaxRenderedBytes, specPath.Child("goTemplateOptions"))
	if err != nil {
		return nil, err
	}
	x := &expander{goTemplate: goTemplate, max: opts.MaxApplications, renderer: r}
	g := &generation{appset: appset, spec: spec, renderer: r, max: opts.MaxApplications}
	generators, _ := spec["generators"].([]any)
	for i, raw := range generators {
		path := specPath.Child("generators").Index(i)
		gen, ok := raw.(map[string]any)
		if !ok {
			return nil, field.Invalid(path, raw, "must be an object")
		}
		sets, err := x.generator(gen, path, nil)
		var opaque errOpaque
		if errors.As(err, &opaque) {
			err = g.template(gen, opaque.path.String())
		} else if err == nil {
			err = g.render(gen, sets)
		}
		if err != nil {
			return nil, err
		}
	}
	return g.out, nil
}

// generation collects the Applications of one ApplicationSet.
type generation struct {
	appset, spec map[string]any
	renderer     *renderer
	max          int
	out          []Generated
}

// render renders the template, the generator's own merged over it, with each
// parameter set.
func (g *generation) render(gen map[string]any, sets []Params) error {
	tmpl := g.templateOf(gen)
	patch, _ := g.spec["templatePatch"].(string)
	for _, s := range sets {
		if len(g.out) >= g.max {
			return tooMany(field.NewPath("spec", "generators"), len(g.out)+1, g.max)
		}
		app, fresh := tmpl, false
		if len(s.Values) > 0 {
			rendered, err := g.renderer.value(tmpl, s.Values, field.NewPath("spec", "template"))
			if err != nil {
				return at(err, s.At)
			}
			app, fresh = rendered.(map[string]any), true
			if patch != "" {
				if app, err = g.patch(app, patch, s.Values); err != nil {
					return at(err, s.At)
				}
			}
		}
		g.out = append(g.out, Generated{At: s.At, Application: g.finish(app, fresh)})
	}
	return nil
}

// template adds the bare template of an opaque generator.
func (g *generation) template(gen map[string]any, at string) error {
	if len(g.out) >= g.max {
		return tooMany(field.NewPath("spec", "generators"), len(g.out)+1, g.max)
	}
	g.out = append(g.out, Generated{At: at, Application: g.finish(g.templateOf(gen), false), Template: true})
	return nil
}

// patch renders templatePatch with the parameters and lays it over the
// Application as a merge patch; the project stays the template's, as in Argo CD.
func (g *generation) patch(app map[string]any, patch string, params map[string]any) (map[string]any, error) {
	path := field.NewPath("spec", "templatePatch")
	rendered, err := g.renderer.str(patch, params, path)
	if err != nil {
		return nil, err
	}
	var over map[string]any
	if err := yaml.Unmarshal([]byte(rendered), &over); err != nil {
		return nil, field.Invalid(path, rendered, "must render a YAML object: "+err.Error())
	}
	patched := mergePatch(app, over).(map[string]any)
	if spec, ok := patched["spec"].(map[string]any); ok {
		appSpec, _ := app["spec"].(map[string]any)
		if project, ok := appSpec["project"]; ok {
			spec["project"] = project
		} else {
			delete(spec, "project")
		}
	}
	return patched, nil
}

// templateOf is the Application template of a generator: its own template
// (list.template, ...), with what it leaves empty taken from spec.template.
func (g *generation) templateOf(gen map[string]any) map[string]any {
	tmpl, _ := g.spec["template"].(map[string]any)
	for _, inner := range gen {
		own, _ := inner.(map[string]any)
		if t, ok := own["template"].(map[string]any); ok && len(t) > 0 {
			tmpl = fill(deepCopy(t).(map[string]any), tmpl)
		}
	}
	meta, _ := tmpl["metadata"].(map[string]any)
	app := map[string]any{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application"}
	m := map[string]any{}
	for _, k := range []string{"name", "namespace", "labels", "annotations", "finalizers"} {
		if v, ok := meta[k]; ok && v != nil {
			m[k] = v
		}
	}
	app["metadata"] = m
	if spec, ok := tmpl["spec"]; ok {
		app["spec"] = spec
	}
	return app
}

// finish does to a rendered Application what Argo CD's controller does
// before creating it: the ApplicationSet's namespace, the resources
// finalizer when the template names none and resources are not preserved,
// and the ApplicationSet as its controlling owner. The Application shares
// nothing with the ApplicationSet: one not fresh from rendering is copied,
// for the caller may fill in defaults.
func (g *generation) finish(app map[string]any, fresh bool) map[string]any {
	if !fresh {
		app = deepCopy(app).(map[string]any)
	}
	meta := asMap(app["metadata"])
	if meta == nil { // a templatePatch may remove it
		meta = map[string]any{}
	}
	appsetMeta := asMap(g.appset["metadata"])
	if ns, ok := appsetMeta["namespace"]; ok {
		meta["namespace"] = ns
	} else {
		delete(meta, "namespace")
	}
	preserve, _ := asMap(g.spec["syncPolicy"])["preserveResourcesOnDeletion"].(bool)
	if f, _ := meta["finalizers"].([]any); len(f) == 0 && !preserve {
		meta["finalizers"] = []any{ResourcesFinalizer}
	}
	owner := map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
		"name": appsetMeta["name"], "controller": true, "blockOwnerDeletion": true,
	}
	if uid, ok := appsetMeta["uid"]; ok {
		owner["uid"] = uid
	}
	meta["ownerReferences"] = []any{owner}
	app["metadata"] = meta
	return app
}

// at says which generator elements a field error was rendered for.
func at(err error, elements string) error {
	var fe *field.Error
	if errors.As(err, &fe) {
		copied := *fe
		copied.Detail = "rendering for " + elements + ": " + fe.Detail
		return &copied
	}
	return fmt.Errorf("rendering for %s: %w", elements, err)
}

func stringList(raw any, path *field.Path) ([]string, error) {
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, field.Invalid(path, raw, "must be a list of strings")
	}
	out := make([]string, len(list))
	for i, v := range list {
		if out[i], ok = v.(string); !ok {
			return nil, field.Invalid(path.Index(i), v, "must be a string")
		}
	}
	return out, nil
}
