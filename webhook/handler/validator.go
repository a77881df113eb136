package handler

import (
	"context"
	"time"

	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/metrics"
	"github.com/tenantguard/tenantguard/webhook/respond"
)

// Validator is the validating webhook: it evaluates the rule set on the request
// and denies, warns or allows.
type Validator struct {
	// State holds the rule set being served.
	State State
	// Tenants finds an Application's Tenant. Without it, no Application has a
	// Tenant and no Tenant's namespace is claimed by another.
	Tenants Lookup
	// Exceptions finds the PolicyExceptions that may waive a finding. Without
	// it, nothing is waived.
	Exceptions ExceptionLookup
	// Clock is the time exceptions are judged at; the wall clock when nil.
	Clock clock.PassiveClock
}

var _ admission.Handler = &Validator{}

// Handle decodes the request, evaluates the rule set on it and answers with the verdict.
func (v *Validator) Handle(ctx context.Context, req admission.Request) admission.Response {
	snapshot := v.State.Get()
	review, err := decode.Request(req, snapshot.Config.Limits)
	if err != nil {
		return respond.Malformed(err)
	}
	start := time.Now()
	p := &pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine, Tenants: v.Tenants, Exceptions: v.Exceptions, Clock: v.Clock}
	findings, err := p.Validate(ctx, review)
	metrics.EvaluationDuration.Observe(time.Since(start).Seconds())
	if err != nil {
		return respond.Failed("evaluating policies", err)
	}
	count(findings)
	if len(findings) > 0 {
		log.FromContext(ctx).Info("decision", "uid", review.UID, "kind", review.Kind,
			"object", review.Namespace+"/"+review.Name, "user", review.UserInfo.Username,
			"deny", ruleIDs(findings.With(policy.Deny)), "warn", ruleIDs(findings.With(policy.Warn)),
			"dryrun", ruleIDs(findings.With(policy.DryRun)), "waived", waivers(findings.Waived()))
	}
	return respond.Verdict(findings, snapshot.Config.Limits.MaxFindings)
}

// count counts each finding by its rule and enforcement, or as waived: a
// waived deny refused nothing, so it is not counted as one.
func count(findings policy.Findings) {
	for _, f := range findings {
		enforcement := string(f.Enforcement)
		if f.WaivedBy != nil {
			enforcement = metrics.EnforcementWaived
		}
		metrics.Violations.WithLabelValues(f.Rule, enforcement).Inc()
	}
}

// waivers names each waived finding's rule and the exception that waives it,
// as rule=exception, so that the log says who let what through.
func waivers(findings policy.Findings) []string {
	out := make([]string, len(findings))
	for i, f := range findings {
		out[i] = f.Rule + "=" + f.WaivedBy.Name
	}
	return out
}

func ruleIDs(findings policy.Findings) []string {
	ids := make([]string, len(findings))
	for i, f := range findings {
		ids[i] = f.Rule
	}
	return ids
}
