# METADATA
# title: Helm values never pin a CPU architecture other than the tenant's
# description: |
#   A tenant runs on nodes of one CPU architecture (the Tenant's spec.arch, else
#   the cluster config's defaults.arch). A kubernetes.io/arch nodeSelector
#   written into an Application's Helm values that names another architecture
#   leaves its pods unschedulable or on the wrong pool. Checked in every source:
#   any kubernetes.io/arch key at any depth of helm.valuesObject and of the YAML
#   in helm.values, and every helm.parameters entry whose name ends with
#   kubernetes\.io/arch (Helm's escaped dot). Applies when the Tenant is known.
# custom:
#   id: app-arch-mismatch
#   enforcement: deny
#   reads:
#     - spec.source.helm.valuesObject
#     - spec.source.helm.values
#     - spec.source.helm.parameters
#     - spec.sources[*].helm.valuesObject
#     - spec.sources[*].helm.values
#     - spec.sources[*].helm.parameters
#     - spec.sourceHydrator.drySource.helm.valuesObject
#     - spec.sourceHydrator.drySource.helm.values
#     - spec.sourceHydrator.drySource.helm.parameters
package tenantguard.rules.app_arch_mismatch

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.tenant

_arch_key := "kubernetes.io/arch"

violation contains v if {
	is_object(input.tenant)
	expected := tenant.arch(input.tenant)
	some selector in _selectors
	selector.value != expected
	msg := sprintf(
		"%s: %s sets %s to %s, but tenant %s runs on %q nodes; remove it (tenantguard sets the tenant's arch) or set it to %q",
		[app.display_name, selector.field, _arch_key, _shown(selector.value), _shown(_tenant_name), expected, expected],
	)
	v := lib.violation(rego.metadata.chain(), selector.field, selector.value, msg)
}

# _selectors are the kubernetes.io/arch values the Application's Helm values
# set, each with its field path.
_selectors contains {"field": field, "value": value} if {
	some src in app.sources
	walk(src.source.helm.valuesObject, [path, value])
	path[count(path) - 1] == _arch_key
	field := concat("", [src.path, ".helm.valuesObject", _suffix(path)])
}

_selectors contains {"field": field, "value": value} if {
	some src in app.sources
	walk(_values(src.source.helm.values), [path, value])
	path[count(path) - 1] == _arch_key
	field := concat("", [src.path, ".helm.values", _suffix(path)])
}

_selectors contains {"field": field, "value": value} if {
	some src in app.sources
	params := src.source.helm.parameters
	is_array(params)
	some i, param in params
	is_string(param.name)
	endswith(param.name, `kubernetes\.io/arch`)
	value := object.get(param, "value", "")
	field := sprintf("%s.helm.parameters[%d].value", [src.path, i])
}

# _values reads helm.values: a YAML document, or (in a rendered manifest) an object.
_values(values) := yaml.unmarshal(values) if {
	is_string(values)
	yaml.is_valid(values)
} else := values if {
	is_object(values)
}

# _suffix writes a walk() path as the rest of a field path: object keys after
# dots, array indices in brackets (.global.nodeSelector.kubernetes.io/arch,
# .workers[1].nodeSelector.kubernetes.io/arch).
_suffix(path) := concat("", [_segment(key) | some key in path])

_segment(key) := sprintf("[%d]", [key]) if {
	is_number(key)
} else := concat("", [".", key])

_tenant_name := object.get(input.tenant, ["metadata", "name"], "")

_shown(value) := sprintf("%q", [value]) if {
	is_string(value)
} else := json.marshal(value)
