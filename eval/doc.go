// Package eval runs the webhook's pipeline on rendered manifests instead of
// admission requests: it evaluates each document that package manifests reads
// with the same Rego rule set, previews what the mutating webhook would change,
// and hands the results to package report. A document that cannot be read,
// or that the webhook would refuse as malformed, is a result with a failure
// in its place, and every other document is still judged.
// `tenantguard eval` is its command line.
package eval
