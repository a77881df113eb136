package tenantguard.rules.tenant.tenant_production_delete_test

import data.tenantguard.rules.tenant.tenant_production_delete as rule

_field := `metadata.annotations["tenantguard.io/allow-delete"]`

_tenant(environment, annotations) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": {"name": "shop", "annotations": annotations},
	"spec": {"environment": environment},
}

_delete(environment, annotations) := {"operation": "DELETE", "oldObject": _tenant(environment, annotations)}

_findings(environment, annotations) := {[v.rule, v.field, v.value] |
	some v in rule.violation with input as _delete(environment, annotations)
}

_msg(annotations) := v.msg if {
	some v in rule.violation with input as _delete("production", annotations)
}

test_staging_delete_is_allowed if {
	count(_findings("staging", {})) == 0
}

test_production_delete_with_annotation_is_allowed if {
	count(_findings("production", {"tenantguard.io/allow-delete": "true"})) == 0
}

test_production_delete_without_annotation_is_refused if {
	_findings("production", {}) == {["tenant-production-delete", _field, ""]}
}

test_production_delete_without_annotations_map_is_refused if {
	review := {"operation": "DELETE", "oldObject": json.remove(_tenant("production", {}), ["metadata/annotations"])}
	{v.field | some v in rule.violation with input as review} == {_field}
}

test_annotation_false_is_refused if {
	_findings("production", {"tenantguard.io/allow-delete": "false"}) == {["tenant-production-delete", _field, "false"]}
}

test_annotation_capitalized_true_is_refused if {
	_findings("production", {"tenantguard.io/allow-delete": "True"}) == {["tenant-production-delete", _field, "True"]}
}

test_annotation_yes_or_one_is_refused if {
	_findings("production", {"tenantguard.io/allow-delete": "yes"}) == {["tenant-production-delete", _field, "yes"]}
	_findings("production", {"tenantguard.io/allow-delete": "1"}) == {["tenant-production-delete", _field, "1"]}
}

test_annotation_with_whitespace_is_refused if {
	_findings("production", {"tenantguard.io/allow-delete": " true"}) == {["tenant-production-delete", _field, " true"]}
}

test_boolean_annotation_is_refused if {
	_findings("production", {"tenantguard.io/allow-delete": true}) == {["tenant-production-delete", _field, true]}
}

test_annotation_under_another_key_is_refused if {
	_findings("production", {"allow-delete": "true", "tenantguard.io/allow-deletion": "true"}) == {["tenant-production-delete", _field, ""]}
}

test_label_instead_of_annotation_is_refused if {
	old := json.patch(_tenant("production", {}), [{"op": "add", "path": "/metadata/labels", "value": {"tenantguard.io/allow-delete": "true"}}])
	{v.field | some v in rule.violation with input as {"operation": "DELETE", "oldObject": old}} == {_field}
}

test_annotation_on_request_object_does_not_count_is_refused if {
	review := object.union(_delete("production", {}), {"object": _tenant("production", {"tenantguard.io/allow-delete": "true"})})
	{v.field | some v in rule.violation with input as review} == {_field}
}

test_update_setting_the_annotation_is_allowed if {
	review := {
		"operation": "UPDATE",
		"oldObject": _tenant("production", {}),
		"object": _tenant("production", {"tenantguard.io/allow-delete": "true"}),
	}
	count(rule.violation) == 0 with input as review
}

test_delete_without_old_object_is_ignored if {
	count(rule.violation) == 0 with input as {"operation": "DELETE"}
}

test_other_kinds_are_ignored if {
	old := object.union(_tenant("production", {}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "DELETE", "oldObject": old}
}

test_message_names_tenant_annotation_and_kubectl_fix if {
	some v in rule.violation with input as _delete("production", {})
	v.rule == "tenant-production-delete"
	v.enforcement == "deny"
	contains(v.msg, "Tenant shop")
	contains(v.msg, `metadata.annotations["tenantguard.io/allow-delete"] is "true" (it is not set)`)
	contains(v.msg, "kubectl annotate tenant shop tenantguard.io/allow-delete=true and delete it again")
}

test_message_with_wrong_value_quotes_it_and_overwrites if {
	msg := _msg({"tenantguard.io/allow-delete": "yes"})
	contains(msg, `(it is "yes")`)
	contains(msg, "kubectl annotate tenant shop tenantguard.io/allow-delete=true --overwrite")
}

test_unnamed_tenant_is_refused if {
	old := json.remove(_tenant("production", {}), ["metadata/name"])
	some v in rule.violation with input as {"operation": "DELETE", "oldObject": old}
	startswith(v.msg, "Tenant <unnamed>: ")
}

test_non_string_name_and_annotation_are_printed_as_json if {
	old := object.union(_tenant("production", {"tenantguard.io/allow-delete": true}), {"metadata": {"name": 123}})
	some v in rule.violation with input as {"operation": "DELETE", "oldObject": old}
	startswith(v.msg, "Tenant 123: ")
	contains(v.msg, "(it is true)")
	contains(v.msg, "kubectl annotate tenant 123 tenantguard.io/allow-delete=true --overwrite")
}

test_very_long_annotation_is_shortened if {
	long := concat("", [x | some _ in numbers.range(1, 1000); x := "n"])
	msg := _msg({"tenantguard.io/allow-delete": long})
	contains(msg, concat("", [`(it is "`, substring(long, 0, 255), "…)"]))
	not contains(msg, substring(long, 0, 256))
}
