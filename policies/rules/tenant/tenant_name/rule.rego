# METADATA
# title: Tenant names are short DNS-1123 labels
# description: |
#   A Tenant's name prefixes its namespace (tenant-<name>), its Argo CD project
#   and the resources created for it, and is the value of the tenantguard.io/tenant
#   label. It must therefore be a DNS-1123 label (lowercase letters, digits and
#   '-', starting and ending with a letter or digit) no longer than
#   tenantNaming.maxNameLength of the cluster config (default 40), so that every
#   prefixed name stays valid. A generateName prefix is checked the same way,
#   counting the five characters Kubernetes appends.
# custom:
#   id: tenant-name
#   enforcement: deny
#   reads:
#     - metadata.name
#     - metadata.generateName
package tenantguard.rules.tenant.tenant_name

import data.tenantguard.lib
import data.tenantguard.lib.config.config
import data.tenantguard.lib.tenant

violation contains v if {
	not _clean
	some v in _violations
}

# _clean holds for a Tenant whose metadata.name is a DNS-1123 label no longer
# than allowed: none of the findings below can hold then, and the rule stops
# here.
_clean if {
	name := input.object.metadata.name
	regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, name) # _label
	count(name) <= _max_length
}

_violations contains v if {
	input.object.kind == "Tenant"
	some n in _names
	not regex.match(n.pattern, n.value)
	msg := sprintf(
		"Tenant %s: %s %s is not %s; use only lowercase letters, digits and '-', %s, such as %s",
		[n.display, n.field, lib.quote(n.value), n.form, n.ends, lib.quote(_suggestion(n))],
	)
	v := lib.violation(rego.metadata.chain(), n.field, n.value, msg)
}

_violations contains v if {
	input.object.kind == "Tenant"
	some n in _names
	length := count(n.value) + n.suffix
	length > _max_length
	msg := sprintf(
		concat("", [
			"Tenant %s: %s %s %s %d characters, more than the %d allowed (cluster config tenantNaming.maxNameLength), ",
			"so its namespace and prefixed resources would be invalid; shorten it to at most %d characters",
		]),
		[n.display, n.field, lib.quote(n.value), n.makes, length, _max_length, _max_length - n.suffix],
	)
	v := lib.violation(rego.metadata.chain(), n.field, n.value, msg)
}

# _names is the name to check: metadata.name, else the generateName prefix that
# Kubernetes completes with five random lowercase letters and digits.
_names contains n if {
	tenant.is_tenant(input.object)
	name := input.object.metadata.name
	is_string(name)
	not _generated
	n := {
		"field": "metadata.name",
		"value": name,
		"display": lib.show(name),
		"pattern": _label,
		"suffix": 0,
		"form": "a DNS-1123 label",
		"ends": "starting and ending with a letter or digit",
		"makes": "is",
	}
}

_names contains n if {
	_generated
	prefix := input.object.metadata.generateName
	n := {
		"field": "metadata.generateName",
		"value": prefix,
		"display": concat("", [lib.show(prefix), "<generated>"]),
		"pattern": _label_prefix,
		"suffix": 5,
		"form": "the start of a DNS-1123 label",
		"ends": "starting with a letter or digit",
		"makes": "gives names, with the 5 characters Kubernetes appends, of",
	}
}

# _generated holds when Kubernetes names the Tenant from its generateName.
_generated if {
	tenant.is_tenant(input.object)
	object.get(input.object, ["metadata", "name"], "") == ""
	prefix := input.object.metadata.generateName
	is_string(prefix)
	prefix != ""
}

# _label is a DNS-1123 label; _label_prefix is what may precede a generated
# suffix of letters and digits, so it may end with '-'.
_label := `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`

_label_prefix := `^[a-z0-9][-a-z0-9]*$`

# _suggestion is the offending name lowercased, with every run of other
# characters turned into '-'.
_suggestion(n) := s if {
	n.suffix == 0
	s := trim(_dashed(n.value), "-")
	s != ""
} else := s if {
	n.suffix > 0
	s := concat("", [trim(_dashed(n.value), "-"), "-"])
	s != "-"
} else := "team-a"

_dashed(s) := regex.replace(lower(s), `[^a-z0-9]+`, "-")

_max_length := n if {
	n := config.tenantNaming.maxNameLength
	is_number(n)
} else := 40
