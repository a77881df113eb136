# METADATA
# title: Production tenants are deleted only on purpose
# description: |
#   Deleting a Tenant deletes everything it owns. A production Tenant
#   (spec.environment: production) is therefore deleted only once its stored
#   object carries the annotation tenantguard.io/allow-delete: "true", exactly
#   that value, set beforehand with kubectl annotate. Staging Tenants delete
#   freely.
# custom:
#   id: tenant-production-delete
#   enforcement: deny
#   reads:
#     - spec.environment
#     - metadata.annotations["tenantguard.io/allow-delete"]
package tenantguard.rules.tenant.tenant_production_delete

import data.tenantguard.lib
import data.tenantguard.lib.tenant

violation contains v if {
	input.operation == "DELETE"
	input.oldObject.kind == "Tenant"
	old := input.oldObject
	tenant.is_tenant(old)
	tenant.environment(old) == "production"
	allowed := object.get(old, ["metadata", "annotations", _annotation], "")
	allowed != "true"
	name := object.get(old, ["metadata", "name"], "<unnamed>")
	msg := sprintf(
		concat("", [
			"Tenant %s: a production Tenant is deleted only when %s is \"true\" (it is %s); ",
			"if the deletion is intended, run kubectl annotate tenant %s %s=true%s and delete it again",
		]),
		[lib.show(name), _field, _current(old), lib.show(name), _annotation, _overwrite(old)],
	)
	v := lib.violation(rego.metadata.chain(), _field, allowed, msg)
}

_annotation := "tenantguard.io/allow-delete"

_field := sprintf("metadata.annotations[%q]", [_annotation])

# _current says what the annotation holds now, as JSON (a string too, quoted
# the JSON way), shortened by lib.show.
_current(old) := lib.show(json.marshal(old.metadata.annotations[_annotation])) if {
	_annotated(old)
} else := "not set"

# _overwrite is the kubectl flag that replaces an annotation already set.
_overwrite(old) := " --overwrite" if {
	_annotated(old)
} else := ""

# _annotated holds when the annotation is set to anything, even a non-string.
_annotated(old) if {
	_ = old.metadata.annotations[_annotation]
}
