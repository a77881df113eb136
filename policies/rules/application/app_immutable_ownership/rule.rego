# METADATA
# title: An Application's tenant, environment and project never change
# description: |
#   Who an Application belongs to is fixed when it is first given: an UPDATE
#   cannot change or remove its tenantguard.io/tenant or
#   tenantguard.io/environment label or its spec.project once they are set
#   (re-pointing an Application at another tenant, environment or project would
#   move it past the rules that hold for its own). Setting one that was empty or
#   absent is allowed; a new owner takes a new Application.
# custom:
#   id: app-immutable-ownership
#   enforcement: deny
#   reads:
#     - metadata.labels["tenantguard.io/tenant"]
#     - metadata.labels["tenantguard.io/environment"]
#     - spec.project
package tenantguard.rules.application.app_immutable_ownership

import data.tenantguard.lib
import data.tenantguard.lib.application as app

# _owned maps each field that fixes ownership to where it sits in the object.
_owned := {
	`metadata.labels["tenantguard.io/tenant"]`: ["metadata", "labels", "tenantguard.io/tenant"],
	`metadata.labels["tenantguard.io/environment"]`: ["metadata", "labels", "tenantguard.io/environment"],
	"spec.project": ["spec", "project"],
}

violation contains v if {
	app.is_application
	input.operation == "UPDATE"
	is_object(input.oldObject)
	some field, path in _owned
	old := object.get(input.oldObject, path, null)
	not old in {null, ""}
	new := object.get(input.object, path, null)
	new != old
	msg := _message(field, old, new)
	v := lib.violation(rego.metadata.chain(), field, new, msg)
}

_message(field, old, null) := sprintf(
	concat("", [
		"%s: %s was %s and cannot be removed; ",
		"the tenant, environment and project of an Application never change: ",
		"restore %s to %s, or create a new Application instead",
	]),
	[app.display_name, field, lib.quote(old), field, lib.quote(old)],
)

_message(field, old, new) := sprintf(
	concat("", [
		"%s: %s cannot change from %s to %s; ",
		"the tenant, environment and project of an Application never change: ",
		"set %s back to %s, or create a new Application instead",
	]),
	[app.display_name, field, lib.quote(old), lib.quote(new), field, lib.quote(old)],
) if {
	new != null
}
