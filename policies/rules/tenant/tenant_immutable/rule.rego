# METADATA
# title: A Tenant's environment and namespace never change
# description: |
#   On an update, spec.environment and the Tenant's namespace stay what they
#   were. The namespace compared is the effective one: spec.namespace, else the
#   default tenantNaming.namespacePrefix + name, so that clearing a defaulted
#   spec.namespace is no change while pointing it elsewhere is. Moving a tenant
#   to another environment or namespace would orphan what it owns and bypass
#   promotion; create a new Tenant instead.
# custom:
#   id: tenant-immutable
#   enforcement: deny
#   reads:
#     - spec.environment
#     - spec.namespace
#     - metadata.name
package tenantguard.rules.tenant.tenant_immutable

import data.tenantguard.lib
import data.tenantguard.lib.tenant

violation contains v if {
	input.object.kind == "Tenant"
	input.oldObject.kind == "Tenant"
	_update
	old := input.oldObject.spec.environment
	not old in {"", null}
	new := object.get(input.object, ["spec", "environment"], null)
	new != old
	msg := sprintf(
		concat("", [
			"%s: spec.environment cannot change from %s to %s, it is immutable; ",
			"keep spec.environment: %s, or create a new Tenant in the new environment instead",
		]),
		[tenant.display_name(input.object), lib.quote(old), lib.quote(new), lib.quote(old)],
	)
	v := lib.violation(rego.metadata.chain(), "spec.environment", new, msg)
}

violation contains v if {
	input.object.kind == "Tenant"
	input.oldObject.kind == "Tenant"
	_update
	is_string(input.oldObject.metadata.name)
	is_string(input.object.metadata.name)
	old := tenant.namespace(input.oldObject)
	new := tenant.namespace(input.object)
	new != old
	msg := sprintf(
		concat("", [
			"%s: spec.namespace cannot change the Tenant's namespace from %s to %s, it is immutable; ",
			"set spec.namespace back to %s, or create a new Tenant for the new namespace instead",
		]),
		[tenant.display_name(input.object), lib.quote(old), lib.quote(new), lib.quote(old)],
	)
	v := lib.violation(rego.metadata.chain(), "spec.namespace", new, msg)
}

# _update holds on an update of a Tenant: both the stored and the new object are
# Tenants. A DELETE has no new object; a CREATE or a manifest no old one.
_update if {
	object.get(input, "operation", "") != "DELETE"
	tenant.is_tenant(input.oldObject)
	tenant.is_tenant(input.object)
}
