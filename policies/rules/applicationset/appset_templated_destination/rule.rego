# METADATA
# title: An ApplicationSet's template deploys to its tenant literally
# description: |
#   For a generator whose parameters come from outside the ApplicationSet, a
#   templated destination (namespace, server or name holding {{...}}) can
#   become another tenant's namespace or cluster, or a system namespace: it
#   is refused. The template binds its Applications to a tenant by writing
#   the tenant's namespace and cluster literally (label the ApplicationSet
#   with tenantguard.io/tenant: the message then names them); a literal
#   destination is judged by app-tenant-destination on the template.
# custom:
#   id: appset-templated-destination
#   enforcement: deny
#   reads:
#     - spec.template.spec.destination.namespace
#     - spec.template.spec.destination.server
#     - spec.template.spec.destination.name
#     - spec.generators
package tenantguard.rules.applicationset.appset_templated_destination

import data.tenantguard.lib
import data.tenantguard.lib.appset
import data.tenantguard.lib.tenant

violation contains v if {
	appset.is_applicationset
	appset.opaque
	some key in ["namespace", "server", "name"]
	value := input.object.spec.template.spec.destination[key]
	appset.templated(value)
	field := sprintf("spec.template.spec.destination.%s", [key])
	format := concat("", [appset.templated_from_outside, ": it can become another tenant's or a system %s; %s"])
	msg := sprintf(
		format,
		[appset.display_name, field, lib.quote(value), appset.first_opaque, _what[key], _fix(key)],
	)
	v := lib.violation(rego.metadata.chain(), field, value, msg)
}

_what := {"namespace": "namespace", "server": "cluster", "name": "cluster"}

_fix("name") := "write the tenant's cluster literally as destination.server"

_fix(key) := sprintf("write the tenant's %s, %s, literally", [_what[key], lib.quote(value)]) if {
	key != "name"
	value := _bound[key]
} else := concat(" ", [
	"label the ApplicationSet with tenantguard.io/tenant",
	"and write its tenant's namespace and cluster literally",
]) if {
	key != "name"
}

_bound["namespace"] := tenant.namespace(input.tenant)

_bound["server"] := tenant.destination(input.tenant)
