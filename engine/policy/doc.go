// Package policy runs tenantguard's Rego rule set. An Engine compiles and
// prepares its queries once, when it is built; evaluating a review afterwards
// only binds the input, so nothing is parsed or compiled on the request path.
//
// The input contract the rules read is documented in policies/README.md:
// operation, object, oldObject, userInfo and tenant; the cluster config sits
// under data.tenantguard.config.
package policy
