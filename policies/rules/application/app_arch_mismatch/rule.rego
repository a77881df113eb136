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
package tenantguard.rules.application.app_arch_mismatch

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.common
import data.tenantguard.lib.config.config

_arch_key := "kubernetes.io/arch"

# The rule asks its findings only of an Application that is not the common
# one (common.application), whose Helm values pin no arch but the tenant's and
# whose sources have no Helm parameters.
violation contains v if {
	common.application == false
	some v in _violations
}

# gate holds for an Application of one source without Helm parameters or a
# values string, of a Tenant with an arch, whose valuesObject pins no arch but
# the Tenant's. Written for lib.common's application, which is generated from
# every rule's gate (lib/common/gates.rego).
gate if {
	object.filter(input.object.spec, ["sources", "sourceHydrator"]) == {} # spec.source is the one source
	source := input.object.spec.source
	helm := object.get(source, "helm", {})
	object.filter(helm, ["parameters", "fileParameters", "values"]) == {}
	values := json.marshal(object.get(helm, "valuesObject", {})) # as app.helm_values writes it
	arch := input.tenant.spec.arch
	is_string(arch)
	arch != ""

	# common.pins_only(values, arch), written out: a call costs an evaluation
	not contains(
		replace(values, concat("", [`"kubernetes.io/arch":`, json.marshal(arch)]), ""),
		`"kubernetes.io/arch":`,
	)
}

# A kubernetes.io/arch key at any depth of helm.valuesObject or of the
# helm.values YAML. The walk is skipped when the values' JSON text shows that
# every such key already holds the tenant's arch (or that there is none).
_violations contains v if {
	expected := _expected
	some values in app.helm_values
	not common.pins_only(values.json, expected)
	walk(values.values, [path, value])
	path[count(path) - 1] == _arch_key
	value != expected
	field := concat("", [values.path, ".helm.", values.field, _suffix(path)])
	v := lib.violation(rego.metadata.chain(), field, value, _message(field, value, expected))
}

# A helm.parameters entry whose name ends with kubernetes\.io/arch.
_violations contains v if {
	expected := _expected
	some src in app.sources
	params := src.source.helm.parameters
	is_array(params)
	some i, param in params
	is_string(param.name)
	endswith(param.name, `kubernetes\.io/arch`)
	value := object.get(param, "value", "")
	value != expected
	field := sprintf("%s.helm.parameters[%d].value", [src.path, i])
	v := lib.violation(rego.metadata.chain(), field, value, _message(field, value, expected))
}

# _expected is the tenant's arch; the rule applies when the Tenant is known.
# (tenant.arch, without its function calls)
_expected := arch if {
	is_object(input.tenant)
	arch := input.tenant.spec.arch
	is_string(arch)
	arch != ""
} else := config.defaults.arch if {
	is_object(input.tenant)
}

_message(field, value, expected) := sprintf(
	"%s: %s sets %s to %s, but tenant %s runs on %s nodes; remove it (tenantguard sets the tenant's arch) or set it to %s",
	[
		app.display_name, field, _arch_key, lib.quote(value), lib.quote(_tenant_name),
		lib.quote(expected), lib.quote(expected),
	],
)

# _suffix writes a walk() path as the rest of a field path: object keys after
# dots, array indices in brackets (.global.nodeSelector.kubernetes.io/arch,
# .workers[1].nodeSelector.kubernetes.io/arch).
_suffix(path) := concat("", [_segment(key) | some key in path])

_segment(key) := sprintf("[%d]", [key]) if {
	is_number(key)
} else := concat("", [".", key])

_tenant_name := object.get(input.tenant, ["metadata", "name"], "")
