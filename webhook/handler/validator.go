package handler

import (
	"context"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/engine/decode"
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
	findings, err := pipelineOf(snapshot, v.Tenants).Validate(ctx, review)
	metrics.EvaluationDuration.Observe(time.Since(start).Seconds())
	if err != nil {
		return respond.Failed("evaluating policies", err)
	}
	for _, f := range findings {
		metrics.Violations.WithLabelValues(f.Rule, string(f.Enforcement)).Inc()
	}
	if len(findings) > 0 {
		log.FromContext(ctx).Info("decision", "uid", review.UID, "kind", review.Kind,
			"object", review.Namespace+"/"+review.Name, "user", review.UserInfo.Username,
			"deny", ruleIDs(findings.With(policy.Deny)), "warn", ruleIDs(findings.With(policy.Warn)),
			"dryrun", ruleIDs(findings.With(policy.DryRun)))
	}
	return respond.Verdict(findings, snapshot.Config.Limits.MaxFindings)
}

func ruleIDs(findings policy.Findings) []string {
	ids := make([]string, len(findings))
	for i, f := range findings {
		ids[i] = f.Rule
	}
	return ids
}
