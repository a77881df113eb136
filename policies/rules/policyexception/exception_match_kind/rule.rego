# METADATA
# title: PolicyExceptions match a kind tenantguard judges
# description: |
#   spec.match.kind is Application, ApplicationSet or Tenant, exactly: the
#   kinds whose findings an exception can waive. In a cluster the CRD's enum
#   refuses any other; eval and conftest read exceptions from files, where
#   this rule does.
# custom:
#   id: exception-match-kind
#   enforcement: deny
#   reads:
#     - spec.match.kind
package tenantguard.rules.policyexception.exception_match_kind

import data.tenantguard.lib
import data.tenantguard.lib.exceptions

violation contains v if {
	exceptions.is_exception(input.object)
	kind := object.get(exceptions.match(input.object), "kind", null)
	not kind in _kinds
	msg := sprintf(
		"%s: spec.match.kind is %s, which no exception can match; set it to %s",
		[exceptions.display_name(input.object), _shown(kind), concat(", ", sort(_kinds))],
	)
	v := lib.violation(rego.metadata.chain(), "spec.match.kind", kind, msg)
}

_kinds := {"Application", "ApplicationSet", "Tenant"}

_shown(kind) := "missing" if kind == null

else := lib.quote(kind)
