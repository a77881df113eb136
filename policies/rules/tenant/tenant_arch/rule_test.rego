package tenantguard.rules.tenant.tenant_arch_test

import data.tenantguard.rules.tenant.tenant_arch as rule

_tenant(spec) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": {"name": "shop"},
	"spec": object.union({"environment": "staging"}, spec),
}

_review(spec) := {"operation": "CREATE", "object": _tenant(spec)}

_findings(spec) := {[v.rule, v.field, v.value] | some v in rule.violation with input as _review(spec)}

test_amd64_is_allowed if {
	count(_findings({"arch": "amd64"})) == 0
}

test_arm64_is_allowed if {
	count(_findings({"arch": "arm64"})) == 0
}

test_missing_arch_is_allowed if {
	count(_findings({})) == 0
}

test_empty_arch_is_allowed if {
	count(_findings({"arch": ""})) == 0
}

test_unknown_arch_is_refused if {
	_findings({"arch": "s390x"}) == {["tenant-arch", "spec.arch", "s390x"]}
}

test_uppercase_arch_is_refused if {
	_findings({"arch": "AMD64"}) == {["tenant-arch", "spec.arch", "AMD64"]}
}

test_arch_with_whitespace_is_refused if {
	_findings({"arch": " arm64"}) == {["tenant-arch", "spec.arch", " arm64"]}
}

test_alias_arch_is_refused if {
	_findings({"arch": "x86_64"}) == {["tenant-arch", "spec.arch", "x86_64"]}
}

test_arch_outside_configured_set_is_refused if {
	findings := _findings({"arch": "arm64"}) with data.tenantguard.config as {"arches": ["amd64"]}
	findings == {["tenant-arch", "spec.arch", "arm64"]}
}

test_arch_added_by_config_is_allowed if {
	count(_findings({"arch": "s390x"})) == 0 with data.tenantguard.config as {"arches": ["amd64", "s390x"]}
}

test_non_string_arch_is_ignored if {
	count(_findings({"arch": 64})) == 0
}

test_other_kinds_are_ignored if {
	obj := object.union(_tenant({"arch": "s390x"}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_update_to_unknown_arch_is_refused if {
	review := {"operation": "UPDATE", "object": _tenant({"arch": "riscv64"}), "oldObject": _tenant({"arch": "amd64"})}
	{v.field | some v in rule.violation with input as review} == {"spec.arch"}
}

test_message_names_tenant_field_value_and_supported_arches if {
	some v in rule.violation with input as _review({"arch": "s390x"})
	v.rule == "tenant-arch"
	v.enforcement == "deny"
	contains(v.msg, "Tenant shop")
	contains(v.msg, "spec.arch")
	contains(v.msg, `"s390x"`)
	contains(v.msg, "set spec.arch to one of amd64, arm64")
}

test_message_says_when_config_lists_no_arches if {
	some v in rule.violation with input as _review({"arch": "amd64"}) with data.tenantguard.config as {"arches": []}
	contains(v.msg, "lists no arches")
}

test_unnamed_tenant_is_refused if {
	obj := json.remove(_tenant({"arch": "s390x"}), ["metadata/name"])
	some v in rule.violation with input as {"operation": "CREATE", "object": obj}
	v.field == "spec.arch"
	startswith(v.msg, "Tenant <unnamed>: ")
}
