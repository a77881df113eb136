// Package pipeline runs a decoded review through the stages after decoding, in
// order: admission scope, tenant context, then defaults (Mutate) or policy
// (Validate). The webhooks and `tenantguard eval` all call it, so each of them
// answers every question the same way: which reviews are judged, which Tenant
// an object has, and what the rules read.
package pipeline
