package decode

import (
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/appset"
	"github.com/tenantguard/tenantguard/engine/model"
)

// Generated is one Application an ApplicationSet makes, decoded for the
// pipeline.
type Generated struct {
	// At names the generator elements that made it, such as
	// spec.generators[0].list.elements[2], or the opaque generator whose
	// template it is.
	At string
	// Template reports the bare template of a generator whose parameters
	// are not known: its {{...}} fields are left as written.
	Template bool
	// Review is the CREATE of the Application, by the ApplicationSet's user.
	Review *Review
	// Old is the Application of the same name the stored ApplicationSet
	// generates, on an UPDATE of the ApplicationSet: Argo CD's controller
	// updates it rather than creating it. Nil when there is none.
	Old map[string]any
}

// generate refuses an ApplicationSet whose fields Argo CD would not read,
// and renders the Applications it makes into review.Generated, each checked
// as an Application's CREATE is. A template that does not render, or renders
// past the limits, is refused naming the generator element and the field.
func generate(review *Review, limits clusterconfig.Limits) field.ErrorList {
	obj := review.Object
	if obj == nil {
		return nil
	}
	if errs := checkApplicationSet(obj); len(errs) > 0 {
		return errs
	}
	opts := appset.Options{MaxApplications: limits.MaxGeneratedApplications, MaxRenderedBytes: limits.MaxRenderedBytes}
	generated, err := appset.Generate(obj, opts)
	if err != nil {
		if fe, ok := err.(*field.Error); ok {
			return field.ErrorList{fe}
		}
		return field.ErrorList{field.Invalid(field.NewPath("spec", "generators"), nil, err.Error())}
	}
	olds := previous(review, opts)
	for _, g := range generated {
		app := &Review{
			UID: review.UID, Operation: admissionv1.Create, Kind: model.KindApplication,
			Namespace: model.Namespace(g.Application), Name: model.Name(g.Application),
			Object: g.Application, UserInfo: review.UserInfo,
		}
		// A template's labels may be {{...}}, which no label is: they are
		// checked once rendered.
		var errs field.ErrorList
		if !g.Template {
			errs = append(errs, checkLabels(app.Object, nil, limits.MaxLabels)...)
		}
		errs = append(errs, checkApplication(app.Object, limits)...)
		if len(errs) > 0 {
			return renderedFor(errs, g.At)
		}
		var old map[string]any
		if !g.Template {
			old = olds[app.Name]
		}
		review.Generated = append(review.Generated, Generated{At: g.At, Template: g.Template, Review: app, Old: old})
	}
	return nil
}

// previous indexes by name the Applications the stored ApplicationSet
// generates, on an UPDATE; none when it does not render (it was stored
// before tenantguard judged it, say): then every Application is new.
func previous(review *Review, opts appset.Options) map[string]map[string]any {
	if review.Operation != admissionv1.Update || review.OldObject == nil {
		return nil
	}
	generated, err := appset.Generate(review.OldObject, opts)
	if err != nil {
		return nil
	}
	olds := make(map[string]map[string]any, len(generated))
	for _, g := range generated {
		if !g.Template {
			olds[model.Name(g.Application)] = g.Application
		}
	}
	return olds
}

// checkApplicationSet refuses an ApplicationSet whose fields the rendering
// reads are of the wrong type.
func checkApplicationSet(obj map[string]any) field.ErrorList {
	specPath := field.NewPath("spec")
	raw, present := obj["spec"]
	if !present || raw == nil {
		return field.ErrorList{field.Required(specPath, "an ApplicationSet needs a spec")}
	}
	spec, ok := raw.(map[string]any)
	if !ok {
		return field.ErrorList{mustBe(specPath, raw, "an object")}
	}
	errs := checkObject(spec, specPath, "template")
	if _, ok := spec["template"]; !ok {
		errs = append(errs, field.Required(specPath.Child("template"), "an ApplicationSet needs a template"))
	}
	if g, present := spec["generators"]; present && g != nil {
		if _, ok := g.([]any); !ok {
			errs = append(errs, mustBe(specPath.Child("generators"), g, "a list of generators"))
		}
	}
	if g, present := spec["goTemplate"]; present && g != nil {
		if _, ok := g.(bool); !ok {
			errs = append(errs, mustBe(specPath.Child("goTemplate"), g, "a boolean"))
		}
	}
	if p, present := spec["templatePatch"]; present && p != nil {
		if _, ok := p.(string); !ok {
			errs = append(errs, mustBe(specPath.Child("templatePatch"), p, "a string"))
		}
	}
	return errs
}

// renderedFor says which generator elements rendered the erroneous fields.
func renderedFor(errs field.ErrorList, at string) field.ErrorList {
	out := make(field.ErrorList, len(errs))
	for i, e := range errs {
		copied := *e
		copied.Field = "spec.template." + e.Field
		copied.Detail = "in the Application rendered for " + at + ": " + e.Detail
		out[i] = &copied
	}
	return out
}
