package tenantguard.main

import data.tenantguard.lib.tenant

# METADATA
# title: Review input from a manifest
# description: |
#   Builds the review input that the rules read from one rendered manifest, the
#   way an admission request would carry it when the manifest is first applied,
#   with the Tenant it belongs to among data.tenantguard.tenants. conftest and
#   tenantguard eval both go through this one function.
manifest_review(manifest) := object.union(
	{"operation": "CREATE", "object": manifest, "userInfo": {}},
	_tenant_context(manifest),
)

_tenant_context(manifest) := {"tenant": tenants[0]} if {
	not tenant.is_tenant(manifest)
	tenants := _tenants_of(manifest)
	count(tenants) > 0
} else := {}

# _tenants_of finds the manifest's Tenant by its tenant label, else by destination namespace.
_tenants_of(manifest) := [t |
	some t in _known_tenants
	t.metadata.name == manifest.metadata.labels["tenantguard.io/tenant"]
] if {
	manifest.metadata.labels["tenantguard.io/tenant"]
} else := [t |
	some t in _known_tenants
	tenant.namespace(t) == manifest.spec.destination.namespace
]

_known_tenants := [t | some t in data.tenantguard.tenants; tenant.is_tenant(t)]
