package handler

import (
	"context"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/webhook/decode"
	"github.com/tenantguard/tenantguard/webhook/metrics"
	"github.com/tenantguard/tenantguard/webhook/policy"
	"github.com/tenantguard/tenantguard/webhook/reload"
	"github.com/tenantguard/tenantguard/webhook/respond"
	"github.com/tenantguard/tenantguard/webhook/tenantctx"
)

// Validator is the validating webhook: it evaluates the rule set on the request
// and denies, warns or allows.
type Validator struct {
	// State holds the rule set being served.
	State *reload.Current
	// Tenants finds an Application's Tenant. Without it, rules read the
	// Application's own labels.
	Tenants *tenantctx.Finder
}

var _ admission.Handler = &Validator{}

// Handle decodes the request, evaluates the rule set on it and answers with the verdict.
func (v *Validator) Handle(ctx context.Context, req admission.Request) admission.Response {
	snapshot := v.State.Get()
	review, err := decode.Request(req, snapshot.Config.Limits)
	if err != nil {
		return respond.Malformed(err)
	}
	if review.Deleting() || review.OnlyStatusChanged() {
		return admission.Allowed("")
	}
	tenant, err := tenantOf(ctx, v.Tenants, review)
	if err != nil {
		return respond.Failed("finding the Application's Tenant", err)
	}
	start := time.Now()
	findings, err := snapshot.Engine.Review(ctx, policy.Input{
		Operation: string(review.Operation),
		Object:    review.Object,
		OldObject: review.OldObject,
		UserInfo:  review.UserInfo,
		Tenant:    tenant,
	})
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
