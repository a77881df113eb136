# METADATA
# title: Tenant helpers
# description: |
#   Who a Tenant is and what it owns: its namespace, project and destination,
#   with the defaults the mutating webhook fills in, so that rules read the same
#   values whether or not a Tenant was defaulted yet.
package tenantguard.lib.tenant

import data.tenantguard.lib
import data.tenantguard.lib.config.config

# is_tenant holds when obj is a tenantguard Tenant.
is_tenant(obj) if {
	startswith(obj.apiVersion, "tenantguard.io/")
	obj.kind == "Tenant"
}

# namespace is the namespace a Tenant owns: spec.namespace, or the prefix and
# its name. Undefined for a Tenant without spec.namespace whose name is not a string.
namespace(t) := t.spec.namespace if {
	_set(t.spec.namespace)
} else := namespace_for(t.metadata.name)

# owned_namespace is the namespace owned by the Tenant t named name (a Tenant
# of data.tenantguard.tenants is named by its key): spec.namespace, or the
# prefix and name.
owned_namespace(name, t) := t.spec.namespace if {
	_set(t.spec.namespace)
} else := namespace_for(name)

# namespace_for is the default namespace of the tenant named name.
namespace_for(name) := concat("", [config.tenantNaming.namespacePrefix, name])

# project is the Argo CD project a tenant's Applications belong to.
project_for(name) := concat("", [config.tenantNaming.projectPrefix, name])

# destination is the Argo CD cluster a Tenant deploys to.
destination(t) := t.spec.destination if {
	_set(t.spec.destination)
} else := config.defaults.destination

# arch is the CPU architecture a Tenant runs on.
arch(t) := t.spec.arch if {
	_set(t.spec.arch)
} else := config.defaults.arch

# environment is a Tenant's environment, staging or production.
environment(t) := t.spec.environment

# display_name names a Tenant in messages (a name that is not a string is
# written as JSON, see lib.show).
display_name(t) := sprintf("Tenant %s", [lib.show(object.get(t, ["metadata", "name"], "<unnamed>"))])

# _set holds for a non-empty string; null and other types count as unset.
_set(value) if {
	is_string(value)
	value != ""
}
