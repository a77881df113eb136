package tenantguard.main

import data.tenantguard.lib.config.config
import data.tenantguard.lib.tenant

# METADATA
# title: Review input from a manifest
# description: |
#   Builds the review input that the rules read from one rendered manifest, the
#   way an admission request would carry it when the manifest is first applied,
#   with the Tenant it belongs to from data.tenantguard.tenants (an object keyed
#   by Tenant name). conftest and tenantguard eval both go through this one function.
manifest_review(manifest) := object.union(
	{"operation": "CREATE", "object": manifest, "userInfo": {}},
	_tenant_context(manifest),
)

_tenant_context(manifest) := {"tenant": t} if {
	not tenant.is_tenant(manifest)
	t := _tenant_of(manifest)
} else := {}

# _tenant_of finds the manifest's Tenant by its tenant label, else by its
# destination namespace: first the Tenant named after a default-named namespace,
# then any Tenant that names the namespace explicitly.
_tenant_of(manifest) := data.tenantguard.tenants[manifest.metadata.labels["tenantguard.io/tenant"]]

_tenant_of(manifest) := t if {
	not manifest.metadata.labels["tenantguard.io/tenant"]
	t := _tenant_owning(manifest.spec.destination.namespace)
}

_tenant_owning(namespace) := t if {
	name := trim_prefix(namespace, config.tenantNaming.namespacePrefix)
	t := data.tenantguard.tenants[name]
	tenant.namespace(t) == namespace
} else := t if {
	some t in data.tenantguard.tenants
	t.spec.namespace == namespace
}
