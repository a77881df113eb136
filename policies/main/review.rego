package tenantguard.main

import data.tenantguard.lib.application
import data.tenantguard.lib.appset
import data.tenantguard.lib.tenant

# METADATA
# title: Review input from a manifest
# description: |
#   Builds the review input that the rules read from one rendered manifest, the
#   way an admission request would carry it when the manifest is first applied
#   (a CREATE, no user, no old object), with what is known of its Tenant from
#   data.tenantguard.tenants (an object keyed by Tenant name), as the webhook
#   builds it from its cache: for an Application (and an ApplicationSet),
#   input.tenantLookup and, when
#   exactly one Tenant was found, input.tenant; for a Tenant,
#   input.namespaceClaims. The PolicyExceptions of data.tenantguard.exceptions
#   (a list) come as input.exceptions and data.tenantguard.now (RFC 3339) as
#   input.now, the time they are judged at. conftest goes through this one
#   function.
manifest_review(manifest) := object.union_n([
	{"operation": "CREATE", "object": manifest, "userInfo": {}, "exceptions": _exceptions},
	_now,
	_tenant_context(manifest),
])

_exceptions := data.tenantguard.exceptions if {
	is_array(data.tenantguard.exceptions)
} else := []

_now := {"now": data.tenantguard.now} if {
	is_string(data.tenantguard.now)
} else := {}

_tenant_context(manifest) := object.union({"tenantLookup": lookup}, _found(lookup.matches)) if {
	_looked_up(manifest)
	lookup := _lookup(manifest)
} else := {"namespaceClaims": _claims(manifest)} if {
	tenant.is_tenant(manifest)
} else := {}

# _looked_up holds for the objects whose Tenant is looked for: Applications,
# and ApplicationSets (by their tenant label), as in the webhook.
_looked_up(manifest) if application.is_application_object(manifest)

_looked_up(manifest) if appset.is_applicationset_object(manifest)

# _lookup is how the Application's Tenant is looked for: by its tenant label,
# a non-empty string (an empty label counts as absent), else by its
# destination namespace, a string; matches names the Tenants found, sorted.
_lookup(manifest) := {"label": label, "namespace": namespace, "matches": _matches(label, namespace)} if {
	label := _string(object.get(manifest, ["metadata", "labels", "tenantguard.io/tenant"], ""))
	namespace := _string(object.get(manifest, ["spec", "destination", "namespace"], ""))
}

# _matches is the labelled Tenant when it exists (none when it does not), and
# without a label every Tenant that owns the namespace: none, one or several.
_matches(label, namespace) := [label] if {
	label != ""
	_tenants[label]
} else := [] if {
	label != ""
} else := object.get(_owners, namespace, [])

# _found is the Application's Tenant, when exactly one was found.
_found(matches) := {"tenant": _tenants[matches[0]]} if {
	count(matches) == 1
} else := {}

# _owners maps each namespace a Tenant owns to its owners' names, sorted. It
# is built once for a set of Tenants (OPA indexes the inner comprehension by
# namespace), so that judging many documents does not scan every Tenant for each.
_owners[namespace] := sort(names) if {
	some namespace in {tenant.owned_namespace(name, t) | some name, t in _tenants}
	names := [name | some name, t in _tenants; tenant.owned_namespace(name, t) == namespace]
}

# _claims names the other Tenants that own the namespace the Tenant owns, sorted.
_claims(manifest) := [other |
	some other in object.get(_owners, namespace, [])
	other != name
] if {
	name := _string(object.get(manifest, ["metadata", "name"], ""))
	namespace := tenant.owned_namespace(name, manifest)
}

_tenants := data.tenantguard.tenants if {
	is_object(data.tenantguard.tenants)
} else := {}

_string(value) := value if {
	is_string(value)
} else := ""
