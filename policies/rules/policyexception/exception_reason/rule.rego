# METADATA
# title: PolicyExceptions say why, and for whom
# description: |
#   An exception is a record: spec.reason says why the rules are waived (the
#   incident, the migration, the ticket) and spec.requestedBy who asked. Both
#   are required, as text that is not blank. The CRD requires them in a
#   cluster; this rule holds the exceptions eval and conftest read from files
#   to the same.
# custom:
#   id: exception-reason
#   enforcement: deny
#   reads:
#     - spec.reason
#     - spec.requestedBy
package tenantguard.rules.policyexception.exception_reason

import data.tenantguard.lib
import data.tenantguard.lib.exceptions

violation contains v if {
	exceptions.is_exception(input.object)
	some field, what in {"reason": "why the rules are waived, such as the incident", "requestedBy": "who asked"}
	value := object.get(exceptions.spec(input.object), field, null)
	not _text(value)
	msg := sprintf(
		"%s: spec.%s is %s; write %s",
		[exceptions.display_name(input.object), field, _missing(value), what],
	)
	v := lib.violation(rego.metadata.chain(), sprintf("spec.%s", [field]), value, msg)
}

_text(value) if {
	is_string(value)
	trim_space(value) != ""
}

_missing(null) := "missing"

_missing(value) := "blank" if is_string(value)

_missing(value) := sprintf("%s, not text", [lib.quote(value)]) if {
	value != null
	not is_string(value)
}
