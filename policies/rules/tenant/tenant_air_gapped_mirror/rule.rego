# METADATA
# title: Air-gapped tenants pull from a valid registry mirror
# description: |
#   An air-gapped tenant (spec.airGapped: true) pulls every image from its
#   registry mirror: spec.registryMirror, or the cluster default
#   defaults.registryMirror that the mutating webhook fills in. Without one, its
#   images cannot be pulled. A registry mirror, whenever set, is a lowercase
#   registry host with an optional port and path, with no scheme and no tag, such
#   as mirror.example.com:5000/tenants; it is the same pattern the cluster config
#   checks defaults.registryMirror against.
# custom:
#   id: tenant-air-gapped-mirror
#   enforcement: deny
#   reads:
#     - spec.airGapped
#     - spec.registryMirror
package tenantguard.rules.tenant.tenant_air_gapped_mirror

import data.tenantguard.lib
import data.tenantguard.lib.config.config
import data.tenantguard.lib.tenant

# A registry mirror set on the Tenant is valid, air-gapped or not.
violation contains v if {
	input.object.kind == "Tenant"
	tenant.is_tenant(input.object)
	mirror := input.object.spec.registryMirror
	is_string(mirror)
	mirror != ""
	not _valid(mirror)
	msg := sprintf(
		"%s: spec.registryMirror %s is not a registry host; %s, e.g. %q",
		[tenant.display_name(input.object), lib.quote(mirror), _hint(mirror), _example],
	)
	v := lib.violation(rego.metadata.chain(), "spec.registryMirror", mirror, msg)
}

# An air-gapped Tenant with no mirror of its own needs a cluster default.
violation contains v if {
	input.object.kind == "Tenant"
	_air_gapped_without_mirror
	not _default_mirror
	msg := sprintf(
		concat("", [
			"%s: spec.airGapped is true but spec.registryMirror is empty and the cluster config sets no ",
			"defaults.registryMirror; set spec.registryMirror to the registry the tenant pulls its images from, e.g. %q",
		]),
		[tenant.display_name(input.object), _example],
	)
	v := lib.violation(rego.metadata.chain(), "spec.registryMirror", _own_mirror, msg)
}

# The cluster default the webhook would fill in must be valid too.
violation contains v if {
	input.object.kind == "Tenant"
	_air_gapped_without_mirror
	mirror := _default_mirror
	not _valid(mirror)
	msg := sprintf(
		concat("", [
			"%s: spec.airGapped is true and spec.registryMirror is empty, ",
			"but the cluster default defaults.registryMirror %s is not a registry host; ",
			"set spec.registryMirror to the registry the tenant pulls its images from, e.g. %q",
		]),
		[tenant.display_name(input.object), lib.quote(mirror), _example],
	)
	v := lib.violation(rego.metadata.chain(), "spec.registryMirror", mirror, msg)
}

# _registry is a registry host with an optional port and path: no scheme, no tag, lowercase.
_registry := `^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9._-]+)*$`

_valid(mirror) if regex.match(_registry, mirror)

_example := "mirror.example.com:5000/tenants"

_air_gapped_without_mirror if {
	tenant.is_tenant(input.object)
	input.object.spec.airGapped == true
	_own_mirror in {"", null}
}

# _own_mirror is spec.registryMirror as written; "" when it is missing.
_own_mirror := object.get(input.object, ["spec", "registryMirror"], "")

_default_mirror := m if {
	m := config.defaults.registryMirror
	is_string(m)
	m != ""
}

# _hint says what to change in an invalid mirror.
_hint(mirror) := "drop the scheme and write only the host, port and path" if {
	contains(mirror, "://")
} else := "write it in lowercase" if {
	lower(mirror) != mirror
} else := "drop the tag or digest, a mirror is a registry, not an image" if {
	regex.match(`(/[^/]*:|@)`, mirror)
} else := "write a lowercase host with an optional :port and /path, without spaces or a trailing '/'"
