// Package webhook is tenantguard's admission webhook. Each request flows through
// one package per step, in this order:
//
//	handler   receives the AdmissionReview from kube-apiserver (controller-runtime serves HTTP)
//	decode    turns the request into a Review and refuses malformed objects, naming the field
//	defaults  fills in what the object left empty (mutating webhook only)
//	policy    evaluates the Rego rule set on the review (validating webhook only)
//	respond   turns the outcome into an admission response: patch, allow, warn or deny
//
// The server package wires these into a controller-runtime manager.
package webhook
