// Package webhook is tenantguard's admission webhooks over HTTPS, and
// nothing else: the decision itself is the engine's. Chain composes one
// webhook's path, outermost first:
//
//	request   reads the AdmissionReview from HTTP within the limits and the byte budgets
//	handler   bounds the review (deadline, reviews in flight, metrics) and runs
//	          engine/decode, then engine/pipeline's Mutate or Validate
//	respond   turns the outcome into an admission response: patch, allow, warn or deny
//
// The server package serves the chains over bounded HTTPS; the process that
// assembles manager, webhooks, supervisor and audit is cmd/tenantguard/app.
package webhook
