// Package offline runs the webhook's pipeline on rendered manifests instead of
// admission requests: it reads files, directories or stdin (multi-document YAML
// or JSON, such as `helm template` output), evaluates each document with the
// same Rego rule set, and reports the findings as text or JSON.
// `tenantguard eval` is its command line.
package offline
