package tenantguard.rules.tenant.tenant_immutable_test

import data.tenantguard.rules.tenant.tenant_immutable as rule

_tenant(spec) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": {"name": "shop"},
	"spec": spec,
}

_update(old, new) := {"operation": "UPDATE", "oldObject": _tenant(old), "object": _tenant(new)}

_findings(old, new) := {[v.rule, v.field, v.value] | some v in rule.violation with input as _update(old, new)}

_msg(old, new) := v.msg if {
	some v in rule.violation with input as _update(old, new)
}

_staging := {"environment": "staging", "namespace": "tenant-shop"}

test_unchanged_tenant_is_allowed if {
	count(_findings(_staging, _staging)) == 0
}

test_other_fields_may_change_is_allowed if {
	count(_findings(_staging, object.union(_staging, {"arch": "arm64", "components": ["grafana"]}))) == 0
}

test_clearing_the_default_namespace_is_allowed if {
	count(_findings(_staging, {"environment": "staging"})) == 0
}

test_writing_the_default_namespace_is_allowed if {
	count(_findings({"environment": "staging"}, _staging)) == 0
}

test_setting_environment_where_none_was_stored_is_allowed if {
	count(_findings({}, {"environment": "staging"})) == 0
	count(_findings({"environment": ""}, {"environment": "staging"})) == 0
}

test_environment_change_is_refused if {
	new := object.union(_staging, {"environment": "production"})
	_findings(_staging, new) == {["tenant-immutable", "spec.environment", "production"]}
}

test_environment_case_change_is_refused if {
	new := object.union(_staging, {"environment": "Staging"})
	_findings(_staging, new) == {["tenant-immutable", "spec.environment", "Staging"]}
}

test_environment_removal_is_refused if {
	_findings(_staging, {"namespace": "tenant-shop"}) == {["tenant-immutable", "spec.environment", null]}
}

test_namespace_change_is_refused if {
	new := object.union(_staging, {"namespace": "shop"})
	_findings(_staging, new) == {["tenant-immutable", "spec.namespace", "shop"]}
}

test_setting_namespace_on_defaulted_tenant_is_refused if {
	new := {"environment": "staging", "namespace": "other"}
	_findings({"environment": "staging"}, new) == {["tenant-immutable", "spec.namespace", "other"]}
}

test_clearing_custom_namespace_is_refused if {
	old := {"environment": "staging", "namespace": "shop-eu"}
	_findings(old, {"environment": "staging"}) == {["tenant-immutable", "spec.namespace", "tenant-shop"]}
}

test_clearing_namespace_after_prefix_change_is_refused if {
	findings := _findings(_staging, {"environment": "staging"}) with data.tenantguard.config as {"tenantNaming": {"namespacePrefix": "t-"}}
	findings == {["tenant-immutable", "spec.namespace", "t-shop"]}
}

test_both_changes_are_refused if {
	_findings(_staging, {"environment": "production", "namespace": "prod-shop"}) == {
		["tenant-immutable", "spec.environment", "production"],
		["tenant-immutable", "spec.namespace", "prod-shop"],
	}
}

test_update_without_operation_is_still_checked_is_refused if {
	review := json.remove(_update(_staging, {"environment": "production"}), ["operation"])
	{v.field | some v in rule.violation with input as review} == {"spec.environment"}
}

test_create_is_ignored if {
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": _tenant({"environment": "production"})}
}

test_delete_is_ignored if {
	review := {"operation": "DELETE", "oldObject": _tenant(_staging), "object": _tenant({"environment": "production"})}
	count(rule.violation) == 0 with input as review
}

test_other_kinds_are_ignored if {
	old := object.union(_tenant(_staging), {"kind": "AppProject"})
	new := object.union(_tenant({"environment": "production"}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "UPDATE", "oldObject": old, "object": new}
}

test_non_string_name_is_ignored if {
	review := {
		"operation": "UPDATE",
		"oldObject": json.patch(_tenant({"environment": "staging"}), [{"op": "replace", "path": "/metadata/name", "value": 7}]),
		"object": json.patch(_tenant({"environment": "staging"}), [{"op": "replace", "path": "/metadata/name", "value": 7}]),
	}
	count(rule.violation) == 0 with input as review
}

test_environment_message_names_tenant_field_values_and_fix if {
	some v in rule.violation with input as _update(_staging, object.union(_staging, {"environment": "production"}))
	v.rule == "tenant-immutable"
	v.enforcement == "deny"
	contains(v.msg, "Tenant shop")
	contains(v.msg, `spec.environment cannot change from "staging" to "production"`)
	contains(v.msg, "create a new Tenant")
}

test_environment_removal_message_shows_null if {
	contains(_msg(_staging, {"namespace": "tenant-shop"}), `from "staging" to null`)
}

test_namespace_message_names_tenant_field_values_and_fix if {
	msg := _msg(_staging, object.union(_staging, {"namespace": "shop"}))
	contains(msg, "Tenant shop: spec.namespace")
	contains(msg, `from "tenant-shop" to "shop"`)
	contains(msg, `set spec.namespace back to "tenant-shop"`)
	contains(msg, "create a new Tenant")
}

test_non_string_environment_is_printed_as_json if {
	msg := _msg({"environment": 5}, {"environment": {"name": "production"}})
	contains(msg, `spec.environment cannot change from 5 to {"name":"production"}, it is immutable; keep spec.environment: 5,`)
}
