# METADATA
# title: PolicyExceptions name their objects
# description: |
#   An exception is for one or a few objects: spec.match names them
#   (spec.match.names) or their tenant (spec.match.tenant). A match with
#   neither covers every object of its kind, in a namespace or in the whole
#   cluster (a whole environment), and is refused unless the cluster config
#   sets exceptions.allowWideMatch; lib.exceptions waives nothing by such a
#   match either.
# custom:
#   id: exception-too-wide
#   enforcement: deny
#   reads:
#     - spec.match.names
#     - spec.match.tenant
package tenantguard.rules.policyexception.exception_too_wide

import data.tenantguard.lib
import data.tenantguard.lib.config.config
import data.tenantguard.lib.exceptions

violation contains v if {
	exceptions.is_exception(input.object)
	not config.exceptions.allowWideMatch
	m := exceptions.match(input.object)
	exceptions.wide(m)
	msg := sprintf(
		concat("", [
			"%s: spec.match names neither objects nor a tenant, so it covers every %s %s; ",
			"name the objects in spec.match.names or their tenant in spec.match.tenant ",
			"(a cluster allows wide matches only with exceptions.allowWideMatch)",
		]),
		[exceptions.display_name(input.object), _kind(m), _where(m)],
	)
	v := lib.violation(rego.metadata.chain(), "spec.match", m, msg)
}

_kind(m) := lib.show(m.kind) if m.kind

else := "object"

_where(m) := sprintf("in namespace %s", [lib.show(m.namespace)]) if {
	not m.namespace in {"", null}
} else := "in every namespace"
