// Package webhook is tenantguard's admission webhook. Each request flows through
// one package per step, in this order:
//
//	request   reads the AdmissionReview from HTTP within the limits and the byte budget
//	handler   runs the pipeline below behind controller-runtime's admission handling
//	decode    turns the request into a Review and refuses malformed objects, naming the field
//	tenantctx finds an Application's Tenant in the cache
//	defaults  fills in what the object left empty (mutating webhook only)
//	policy    evaluates the Rego rule set on the review (validating webhook only)
//	respond   turns the outcome into an admission response: patch, allow, warn or deny
//
// The server package serves these over bounded HTTPS in a controller-runtime manager.
package webhook
