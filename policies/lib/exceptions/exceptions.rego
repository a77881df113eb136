# METADATA
# title: PolicyExceptions
# description: |
#   Decides whether a PolicyException waives a finding: the one place every
#   runner asks (the webhooks and eval through tenantguard.main, conftest
#   through the same entry points, the audit through the Go pipeline). The
#   review carries the exceptions that may apply to its object as
#   input.exceptions and the time to judge them at as input.now (RFC 3339);
#   without input.now nothing is waived. An exception waives a finding when
#   it names the finding's rule, matches the object, has not expired at
#   input.now, and the cluster config does not list the rule as never
#   waivable (docs/exceptions.md).
package tenantguard.lib.exceptions

import data.tenantguard.lib.config.config

# waiver is what waives finding v: the name, expiry and reason of the first,
# by name, of the exceptions in force that name v's rule; undefined when none
# does.
waiver(v) := {"name": name, "expires": e.spec.expires, "reason": e.spec.reason} if {
	not v.rule in config.exceptions.neverWaivable
	names := {e.metadata.name | some e in _in_force; v.rule in e.spec.rules}
	count(names) > 0
	name := sort(names)[0]
	some e in _in_force
	e.metadata.name == name
}

# _in_force are the exceptions of the review that apply to its object and
# have not expired. It reads only the input, so it is built once a review.
_in_force contains e if {
	now := time.parse_rfc3339_ns(input.now)
	some e in input.exceptions
	in_force(e, now)
	matches(e.spec.match, _object, _tenant)
}

# in_force holds for an exception whose expiry lies after now (ns).
in_force(e, now) if time.parse_rfc3339_ns(e.spec.expires) > now

# matches holds when match m selects obj, of tenant: the kind is obj's, and
# every selector given (namespace, names, tenant) holds. A match that names
# neither objects nor a tenant selects every object of its kind, which only
# the config's allowWideMatch permits.
matches(m, obj, tenant) if {
	m.kind == obj.kind
	_selector(m, "namespace", "") in {"", object.get(obj, ["metadata", "namespace"], "")}
	_names_match(_selector(m, "names", []), obj)
	_selector(m, "tenant", "") in {"", tenant}
	not _too_wide(m)
}

# wide holds for a match that names neither objects nor a tenant.
wide(m) if {
	count(_selector(m, "names", [])) == 0
	_selector(m, "tenant", "") == ""
}

_too_wide(m) if {
	wide(m)
	not config.exceptions.allowWideMatch
}

_names_match(names, _) if count(names) == 0

_names_match(names, obj) if obj.metadata.name in names

_selector(m, key, absent) := value if {
	value := m[key]
	value != null
} else := absent

# _object is the object under review: the stored one on a deletion.
_object := input.object if input.object

else := input.oldObject

# _tenant is the object's tenant: a Tenant's own name, else the name of the
# Tenant found for it, else its tenant label.
_tenant := _object.metadata.name if {
	_object.kind == "Tenant"
} else := input.tenant.metadata.name if {
	is_string(input.tenant.metadata.name)
} else := label if {
	label := _object.metadata.labels["tenantguard.io/tenant"]
	is_string(label)
} else := ""
