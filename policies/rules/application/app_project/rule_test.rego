package tenantguard.rules.application.app_project_test

import data.tenantguard.rules.application.app_project as rule

_app(labels, spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd", "labels": labels},
	"spec": object.union(
		{"destination": {"server": "https://kubernetes.default.svc", "namespace": "tenant-foo"}},
		spec,
	),
}

_foo := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": {"name": "foo"},
	"spec": {"environment": "staging"},
}

_label_foo := {"tenantguard.io/tenant": "foo"}

_review(labels, spec) := {"operation": "CREATE", "object": _app(labels, spec), "userInfo": {}}

_fields(review) := {v.field | some v in rule.violation with input as review}

# allowed

test_tenant_project_by_label_is_allowed if {
	count(_fields(_review(_label_foo, {"project": "tenant-foo"}))) == 0
}

test_tenant_project_by_tenant_is_allowed if {
	review := object.union(_review({}, {"project": "tenant-foo"}), {"tenant": _foo})
	count(_fields(review)) == 0
}

test_configured_project_prefix_is_allowed if {
	fields := _fields(_review(_label_foo, {"project": "proj-foo"})) with data.tenantguard.config as {"tenantNaming": {"projectPrefix": "proj-"}}
	count(fields) == 0
}

test_any_named_project_without_tenant_is_allowed if {
	count(_fields(_review({}, {"project": "platform"}))) == 0
}

test_empty_label_does_not_hide_the_tenant_and_is_allowed if {
	review := object.union(_review({"tenantguard.io/tenant": ""}, {"project": "tenant-foo"}), {"tenant": _foo})
	count(_fields(review)) == 0
}

test_other_kinds_are_ignored if {
	obj := object.union(_app(_label_foo, {"project": "default"}), {"kind": "ApplicationSet"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_odd_input_does_not_error if {
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": "nope"}
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": [1]}
}

# refused

test_missing_project_is_refused if {
	_fields(_review(_label_foo, {})) == {"spec.project"}
}

test_missing_project_without_tenant_is_refused if {
	some v in rule.violation with input as _review({}, {})
	v.field == "spec.project"
	v.value == ""
	contains(v.msg, "without a project")
	contains(v.msg, "set spec.project to the AppProject of the team")
}

test_empty_project_is_refused if {
	_fields(_review({}, {"project": ""})) == {"spec.project"}
}

test_non_string_project_is_refused if {
	_fields(_review({}, {"project": 7})) == {"spec.project"}
}

test_default_project_without_tenant_is_refused if {
	some v in rule.violation with input as _review({}, {"project": "default"})
	v.value == "default"
	contains(v.msg, "unrestricted")
}

test_default_project_of_tenant_is_refused_once if {
	findings := rule.violation with input as _review(_label_foo, {"project": "default"})
	count(findings) == 1
	some v in findings
	contains(v.msg, "unrestricted")
	contains(v.msg, `set spec.project to "tenant-foo"`)
}

test_project_of_another_tenant_is_refused if {
	_fields(_review(_label_foo, {"project": "tenant-bar"})) == {"spec.project"}
}

test_project_of_another_tenant_found_by_tenant_is_refused if {
	review := object.union(_review({}, {"project": "tenant-bar"}), {"tenant": _foo})
	_fields(review) == {"spec.project"}
}

test_default_prefix_with_configured_prefix_is_refused if {
	fields := _fields(_review(_label_foo, {"project": "tenant-foo"})) with data.tenantguard.config as {"tenantNaming": {"projectPrefix": "proj-"}}
	fields == {"spec.project"}
}

test_message_names_application_field_value_and_fix if {
	some v in rule.violation with input as _review(_label_foo, {"project": "tenant-bar"})
	v.rule == "app-project"
	v.enforcement == "deny"
	v.field == "spec.project"
	v.value == "tenant-bar"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, `spec.project is "tenant-bar"`)
	contains(v.msg, `not the project of tenant "foo"`)
	contains(v.msg, `set spec.project to "tenant-foo"`)
}

test_non_string_project_is_printed_as_json if {
	some v in rule.violation with input as _review(_label_foo, {"project": 123})
	contains(v.msg, `spec.project is 123, which leaves the Application without a project; set spec.project to "tenant-foo"`)
}

test_non_string_application_name_is_printed_as_json if {
	review := _review(_label_foo, {"project": true})
	some v in rule.violation with input as json.patch(review, [
		{"op": "replace", "path": "/object/metadata/name", "value": 5},
		{"op": "replace", "path": "/object/metadata/namespace", "value": false},
	])
	startswith(v.msg, "Application false/5: spec.project is true, ")
}
