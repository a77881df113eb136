// Package engine holds no code: its packages are the one decision every
// runner asks, the webhooks, eval, the audit and the supervisor alike. A
// review goes through them in one direction:
//
//	decode        admission request or rendered manifest → Review, malformed objects refused
//	pipeline      the admission scope, then the Tenant lookup, then defaults or the rules
//	tenantlookup  which Tenant an Application has, and who claims a Tenant's namespace
//	defaults      what the mutating webhook fills in, never overwriting
//	policy        the Rego engine and its findings
//
// model reads Applications and Tenants for all of them; live holds the
// snapshot of cluster config and compiled policies being served.
package engine
