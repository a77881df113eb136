package tenantguard.rules.application.app_immutable_ownership_test

import data.tenantguard.rules.application.app_immutable_ownership as rule

_app(labels, project) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd", "labels": labels},
	"spec": {"project": project, "destination": {"namespace": "tenant-foo"}},
}

_owned := {"tenantguard.io/tenant": "foo", "tenantguard.io/environment": "staging", "team": "a"}

_update(old, new) := {
	"operation": "UPDATE",
	"object": new,
	"oldObject": old,
	"userInfo": {"username": "alice", "groups": []},
}

_fields(review) := {v.field | some v in rule.violation with input as review}

_tenant_label := `metadata.labels["tenantguard.io/tenant"]`

_env_label := `metadata.labels["tenantguard.io/environment"]`

# allowed

test_unchanged_ownership_is_allowed if {
	new := _app(object.union(_owned, {"team": "b"}), "tenant-foo")
	count(_fields(_update(_app(_owned, "tenant-foo"), new))) == 0
}

test_setting_absent_labels_and_project_is_allowed if {
	old := object.remove(_app({}, ""), ["spec"])
	count(_fields(_update(old, _app(_owned, "tenant-foo")))) == 0
}

test_setting_empty_label_is_allowed if {
	old := _app({"tenantguard.io/tenant": "", "tenantguard.io/environment": ""}, "")
	count(_fields(_update(old, _app(_owned, "tenant-foo")))) == 0
}

test_create_is_not_checked if {
	review := {"operation": "CREATE", "object": _app({"tenantguard.io/tenant": "bar"}, "tenant-bar"), "userInfo": {}}
	count(_fields(review)) == 0
}

test_create_with_stray_old_object_is_not_checked if {
	review := object.union(_update(_app(_owned, "tenant-foo"), _app({}, "tenant-bar")), {"operation": "CREATE"})
	count(_fields(review)) == 0
}

test_delete_is_not_checked if {
	review := {"operation": "DELETE", "oldObject": _app(_owned, "tenant-foo"), "userInfo": {}}
	count(_fields(review)) == 0
}

test_update_without_old_object_is_not_checked if {
	review := {"operation": "UPDATE", "object": _app({}, ""), "userInfo": {}}
	count(_fields(review)) == 0
}

test_other_kinds_are_ignored if {
	old := object.union(_app(_owned, "tenant-foo"), {"kind": "AppProject"})
	new := object.union(_app({}, "tenant-bar"), {"kind": "AppProject"})
	count(_fields(_update(old, new))) == 0
}

test_odd_old_object_does_not_fire_or_error if {
	count(_fields(_update("nope", _app({}, "")))) == 0
	old := {"metadata": {"labels": "nope"}, "spec": 3}
	count(_fields(_update(old, _app({}, "")))) == 0
}

# refused

test_changed_tenant_label_is_refused if {
	new := _app(object.union(_owned, {"tenantguard.io/tenant": "bar"}), "tenant-foo")
	_fields(_update(_app(_owned, "tenant-foo"), new)) == {_tenant_label}
}

test_changed_environment_label_is_refused if {
	new := _app(object.union(_owned, {"tenantguard.io/environment": "production"}), "tenant-foo")
	_fields(_update(_app(_owned, "tenant-foo"), new)) == {_env_label}
}

test_changed_project_is_refused if {
	_fields(_update(_app(_owned, "tenant-foo"), _app(_owned, "tenant-bar"))) == {"spec.project"}
}

test_removed_labels_are_refused if {
	new := _app({"team": "a"}, "tenant-foo")
	_fields(_update(_app(_owned, "tenant-foo"), new)) == {_tenant_label, _env_label}
}

test_removed_labels_map_is_refused if {
	new := object.remove(_app({}, "tenant-foo"), ["metadata"])
	_fields(_update(_app(_owned, "tenant-foo"), new)) == {_tenant_label, _env_label}
}

test_emptied_tenant_label_is_refused if {
	new := _app(object.union(_owned, {"tenantguard.io/tenant": ""}), "tenant-foo")
	some v in rule.violation with input as _update(_app(_owned, "tenant-foo"), new)
	v.field == _tenant_label
	v.value == ""
}

test_removed_project_is_refused if {
	new := object.remove(_app(_owned, ""), ["spec"])
	some v in rule.violation with input as _update(_app(_owned, "tenant-foo"), new)
	v.field == "spec.project"
	v.value == null
	contains(v.msg, `spec.project was "tenant-foo" and cannot be removed`)
	contains(v.msg, `restore spec.project to "tenant-foo"`)
}

test_everything_changed_is_refused_per_field if {
	new := _app({"tenantguard.io/tenant": "bar", "tenantguard.io/environment": "production"}, "default")
	_fields(_update(_app(_owned, "tenant-foo"), new)) == {_tenant_label, _env_label, "spec.project"}
}

test_message_names_application_field_value_and_fix if {
	new := _app(object.union(_owned, {"tenantguard.io/tenant": "bar"}), "tenant-foo")
	some v in rule.violation with input as _update(_app(_owned, "tenant-foo"), new)
	v.rule == "app-immutable-ownership"
	v.enforcement == "deny"
	v.value == "bar"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, `metadata.labels["tenantguard.io/tenant"] cannot change from "foo" to "bar"`)
	contains(v.msg, `set metadata.labels["tenantguard.io/tenant"] back to "foo"`)
}

# Labels and a project that are not strings are printed as their JSON text,
# never as %q prints them (123 as '{').

_message(review, field) := v.msg if {
	some v in rule.violation with input as review
	v.field == field
}

test_numeric_tenant_label_change_is_printed_as_a_number if {
	old := _app({"tenantguard.io/tenant": 123}, "tenant-foo")
	msg := _message(_update(old, _app(_owned, "tenant-foo")), _tenant_label)
	contains(msg, `metadata.labels["tenantguard.io/tenant"] cannot change from 123 to "foo"`)
	contains(msg, `set metadata.labels["tenantguard.io/tenant"] back to 123,`)
	not contains(msg, "'{'")
}

test_boolean_environment_label_removal_is_printed_as_a_boolean if {
	old := _app({"tenantguard.io/environment": true}, "tenant-foo")
	msg := _message(_update(old, _app({}, "tenant-foo")), _env_label)
	contains(msg, `metadata.labels["tenantguard.io/environment"] was true and cannot be removed`)
	contains(msg, `restore metadata.labels["tenantguard.io/environment"] to true,`)
}

test_object_label_and_project_are_printed_as_json if {
	old := _app({"tenantguard.io/tenant": {"a": 1}}, ["tenant-foo"])
	review := _update(old, _app(_owned, "tenant-bar"))
	contains(_message(review, _tenant_label), `cannot change from {"a":1} to "foo"`)
	contains(_message(review, "spec.project"), `spec.project cannot change from ["tenant-foo"] to "tenant-bar"`)
}

test_very_long_label_is_shortened if {
	long := concat("", [x | some _ in numbers.range(1, 1000); x := "f"])
	old := _app({"tenantguard.io/tenant": long}, "tenant-foo")
	msg := _message(_update(old, _app(_owned, "tenant-foo")), _tenant_label)
	contains(msg, concat("", [`cannot change from "`, substring(long, 0, 256), `…" to "foo"`]))
	not contains(msg, substring(long, 0, 257))
}
