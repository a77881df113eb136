package pipeline

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/policy"
)

// validateApplicationSet judges an ApplicationSet by what it can generate:
// the rules on ApplicationSets read the object itself (the template's
// {{...}} fields among them), and every Application it renders is judged as
// the webhooks would judge its write by the ApplicationSet's user (asWritten:
// defaults filled in, a CREATE or, on an update, the UPDATE of what the
// stored ApplicationSet generates), each finding re-labelled with the
// generator element and the template field. The bare template of a
// generator whose parameters are not known is judged the same way, less the
// findings on its {{...}} fields, which the ApplicationSet rules judge.
func (p *Pipeline) validateApplicationSet(ctx context.Context, review *decode.Review) (policy.Findings, error) {
	findings, err := p.evaluate(ctx, review)
	if err != nil {
		return nil, err
	}
	for _, g := range review.Generated {
		judged, err := p.asWritten(ctx, g, review)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.At, err)
		}
		if judged == nil {
			continue
		}
		fs, err := p.evaluate(ctx, judged)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.At, err)
		}
		for _, f := range fs {
			if g.Template && templated(f, g.Review.Object) {
				continue
			}
			findings = append(findings, relabel(f, review, g.At))
		}
	}
	slices.SortStableFunc(findings, func(a, b policy.Finding) int { return strings.Compare(a.Rule, b.Rule) })
	return findings, nil
}

// asWritten is the review of a generated Application as Argo CD's
// controller would write it for whoever wrote the ApplicationSet: its
// defaults filled in, as the mutating webhook fills them in first, and an
// UPDATE of the Application the stored ApplicationSet generates under the
// same name, when there is one (defaulted the same way). Nil when that
// update changes nothing the rules read: Argo CD would not write it.
func (p *Pipeline) asWritten(ctx context.Context, g decode.Generated, appset *decode.Review) (*decode.Review, error) {
	g.Review.UserInfo = appset.UserInfo
	if _, err := p.Mutate(ctx, g.Review); err != nil {
		return nil, err
	}
	if g.Old == nil {
		return g.Review, nil
	}
	old := *g.Review
	old.Object = g.Old
	if _, err := p.Mutate(ctx, &old); err != nil {
		return nil, err
	}
	update := *g.Review
	update.Operation, update.OldObject = admissionv1.Update, old.Object
	if update.OnlyStatusChanged() {
		return nil, nil
	}
	return &update, nil
}

// relabel makes a finding on a generated Application a finding on the
// ApplicationSet: its field is the template's, its message names the
// ApplicationSet and the generator element that made the Application.
func relabel(f policy.Finding, appset *decode.Review, at string) policy.Finding {
	if f.Field != "" {
		f.Field = "spec.template." + f.Field
	}
	f.Message = fmt.Sprintf("ApplicationSet %s/%s: %s → %s: %s",
		appset.Namespace, appset.Name, at, model.Clip(f.Field), f.Message)
	return f
}

// templated reports whether a finding on a bare template is about a {{...}}
// field: its value, or the field it names, is still a template.
func templated(f policy.Finding, app map[string]any) bool {
	if s, ok := f.Value.(string); ok && strings.Contains(s, "{{") {
		return true
	}
	s, ok := lookup(app, f.Field).(string)
	return ok && strings.Contains(s, "{{")
}

// lookup reads the value at a finding's field path, such as
// spec.sources[1].path; nil when the path names nothing.
func lookup(obj any, path string) any {
	for _, part := range strings.Split(path, ".") {
		name, index, hasIndex := strings.Cut(part, "[")
		if m, ok := obj.(map[string]any); ok && name != "" {
			obj = m[name]
		} else if name != "" {
			return nil
		}
		if hasIndex {
			i, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
			list, ok := obj.([]any)
			if err != nil || !ok || i < 0 || i >= len(list) {
				return nil
			}
			obj = list[i]
		}
	}
	return obj
}
