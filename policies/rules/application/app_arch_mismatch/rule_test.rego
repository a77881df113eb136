package tenantguard.rules.application.app_arch_mismatch_test

import data.tenantguard.rules.application.app_arch_mismatch as rule

_app(spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd", "labels": {"tenantguard.io/tenant": "foo"}},
	"spec": object.union({"project": "tenant-foo", "destination": {"namespace": "tenant-foo"}}, spec),
}

_tenant(spec) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": {"name": "foo"},
	"spec": spec,
}

_arm := _tenant({"arch": "arm64"})

_review(spec, t) := {"operation": "CREATE", "object": _app(spec), "userInfo": {}, "tenant": t}

_chart(helm) := {"repoURL": "https://git.example.com/platform.git", "path": "staging/foo", "helm": helm}

_selector(arch) := {"global": {"nodeSelector": {"kubernetes.io/arch": arch}}}

_fields(review) := {v.field | some v in rule.violation with input as review}

# allowed

test_matching_arch_in_values_object_is_allowed if {
	count(_fields(_review({"source": _chart({"valuesObject": _selector("arm64")})}, _arm))) == 0
}

test_matching_default_arch_is_allowed if {
	count(_fields(_review({"source": _chart({"valuesObject": _selector("amd64")})}, _tenant({})))) == 0
}

test_matching_configured_default_arch_is_allowed if {
	review := _review({"source": _chart({"valuesObject": _selector("arm64")})}, _tenant({"arch": ""}))
	fields := _fields(review) with data.tenantguard.config as {"defaults": {"arch": "arm64"}}
	count(fields) == 0
}

test_matching_arch_in_values_and_parameters_is_allowed if {
	helm := {
		"values": "nodeSelector:\n  kubernetes.io/arch: arm64\n",
		"parameters": [{"name": "nodeSelector.kubernetes\\.io/arch", "value": "arm64"}],
	}
	count(_fields(_review({"source": _chart(helm)}, _arm))) == 0
}

test_no_tenant_does_not_fire if {
	review := object.remove(_review({"source": _chart({"valuesObject": _selector("s390x")})}, _arm), ["tenant"])
	count(_fields(review)) == 0
}

test_arch_as_a_value_not_a_key_is_allowed if {
	values := {"affinity": {"nodeAffinity": {"matchExpressions": [{"key": "kubernetes.io/arch", "values": ["arm64"]}]}}}
	count(_fields(_review({"source": _chart({"valuesObject": values})}, _arm))) == 0
}

test_unescaped_parameter_name_is_not_an_arch_selector if {
	# Helm reads nodeSelector.kubernetes.io/arch as nested keys kubernetes > io/arch.
	helm := {"parameters": [{"name": "nodeSelector.kubernetes.io/arch", "value": "amd64"}]}
	count(_fields(_review({"source": _chart(helm)}, _arm))) == 0
}

test_invalid_yaml_values_do_not_fire_or_error if {
	count(_fields(_review({"source": _chart({"values": "a: [unclosed"})}, _arm))) == 0
}

test_odd_helm_shapes_do_not_fire_or_error if {
	helm := {"valuesObject": "nope", "values": 42, "parameters": {"name": "kubernetes\\.io/arch", "value": "amd64"}}
	count(_fields(_review({"source": _chart(helm)}, _arm))) == 0
	odd := [{"name": 7, "value": "amd64"}, "nope"]
	count(_fields(_review({"source": _chart({"parameters": odd})}, _arm))) == 0
	count(_fields(_review({"source": _chart("nope")}, _arm))) == 0
}

test_other_kinds_are_ignored if {
	obj := object.union(_app({"source": _chart({"valuesObject": _selector("amd64")})}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj, "tenant": _arm}
}

# refused

test_other_arch_in_values_object_is_refused if {
	fields := _fields(_review({"source": _chart({"valuesObject": _selector("amd64")})}, _arm))
	fields == {"spec.source.helm.valuesObject.global.nodeSelector.kubernetes.io/arch"}
}

test_other_arch_against_default_arch_is_refused if {
	fields := _fields(_review({"source": _chart({"valuesObject": _selector("arm64")})}, _tenant({})))
	fields == {"spec.source.helm.valuesObject.global.nodeSelector.kubernetes.io/arch"}
}

test_other_arch_at_top_level_is_refused if {
	fields := _fields(_review({"source": _chart({"valuesObject": {"kubernetes.io/arch": "amd64"}})}, _arm))
	fields == {"spec.source.helm.valuesObject.kubernetes.io/arch"}
}

test_other_arch_deep_inside_a_list_is_refused if {
	values := {"workers": [{"name": "a"}, {"nodeSelector": {"kubernetes.io/arch": "amd64"}}]}
	fields := _fields(_review({"source": _chart({"valuesObject": values})}, _arm))
	fields == {"spec.source.helm.valuesObject.workers[1].nodeSelector.kubernetes.io/arch"}
}

test_other_arch_in_values_yaml_is_refused if {
	values := "global:\n  nodeSelector:\n    kubernetes.io/arch: amd64\n"
	fields := _fields(_review({"source": _chart({"values": values})}, _arm))
	fields == {"spec.source.helm.values.global.nodeSelector.kubernetes.io/arch"}
}

test_other_arch_in_values_given_as_object_is_refused if {
	fields := _fields(_review({"source": _chart({"values": _selector("amd64")})}, _arm))
	fields == {"spec.source.helm.values.global.nodeSelector.kubernetes.io/arch"}
}

test_other_arch_in_escaped_parameter_is_refused if {
	helm := {"parameters": [
		{"name": "image.tag", "value": "1.0"},
		{"name": "global.nodeSelector.kubernetes\\.io/arch", "value": "amd64"},
	]}
	_fields(_review({"source": _chart(helm)}, _arm)) == {"spec.source.helm.parameters[1].value"}
}

test_escaped_parameter_without_value_is_refused if {
	helm := {"parameters": [{"name": "nodeSelector.kubernetes\\.io/arch"}]}
	some v in rule.violation with input as _review({"source": _chart(helm)}, _arm)
	v.field == "spec.source.helm.parameters[0].value"
	v.value == ""
}

test_non_string_arch_is_refused if {
	some v in rule.violation with input as _review({"source": _chart({"valuesObject": {"kubernetes.io/arch": ["amd64"]}})}, _arm)
	v.value == ["amd64"]
	contains(v.msg, `to ["amd64"]`)
}

test_every_source_is_checked if {
	spec := {"sources": [
		_chart({"valuesObject": _selector("arm64")}),
		{"repoURL": "https://git.example.com/platform.git", "ref": "values"},
		_chart({"valuesObject": _selector("amd64")}),
	]}
	_fields(_review(spec, _arm)) == {"spec.sources[2].helm.valuesObject.global.nodeSelector.kubernetes.io/arch"}
}

test_hydrator_dry_source_is_checked if {
	spec := {"sourceHydrator": {"drySource": _chart({"values": "kubernetes.io/arch: amd64"})}}
	_fields(_review(spec, _arm)) == {"spec.sourceHydrator.drySource.helm.values.kubernetes.io/arch"}
}

test_all_three_places_are_refused_together if {
	helm := {
		"valuesObject": _selector("amd64"),
		"values": "nodeSelector:\n  kubernetes.io/arch: amd64\n",
		"parameters": [{"name": "kubernetes\\.io/arch", "value": "amd64"}],
	}
	_fields(_review({"source": _chart(helm)}, _arm)) == {
		"spec.source.helm.valuesObject.global.nodeSelector.kubernetes.io/arch",
		"spec.source.helm.values.nodeSelector.kubernetes.io/arch",
		"spec.source.helm.parameters[0].value",
	}
}

test_message_names_application_field_value_and_fix if {
	some v in rule.violation with input as _review({"source": _chart({"valuesObject": _selector("amd64")})}, _arm)
	v.rule == "app-arch-mismatch"
	v.enforcement == "deny"
	v.value == "amd64"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, "spec.source.helm.valuesObject.global.nodeSelector.kubernetes.io/arch")
	contains(v.msg, `"amd64"`)
	contains(v.msg, `tenant "foo" runs on "arm64" nodes`)
	contains(v.msg, `set it to "arm64"`)
}

test_values_object_given_as_a_list_is_refused_with_index_path if {
	fields := _fields(_review({"source": _chart({"valuesObject": [{"kubernetes.io/arch": "amd64"}]})}, _arm))
	fields == {"spec.source.helm.valuesObject[0].kubernetes.io/arch"}
}

# The JSON text check that skips the walk when every arch key holds the tenant's
# arch must still find the one key of several that does not.
test_one_mismatching_arch_among_matching_ones_is_refused if {
	values := {
		"global": _selector("arm64"),
		"workers": [{"nodeSelector": {"kubernetes.io/arch": "amd64"}}, {"nodeSelector": {"kubernetes.io/arch": "arm64"}}],
		"note": "\"kubernetes.io/arch\": \"arm64\"",
	}
	_fields(_review({"source": _chart({"valuesObject": values})}, _arm)) == {"spec.source.helm.valuesObject.workers[0].nodeSelector.kubernetes.io/arch"}
}

test_arch_that_is_not_a_string_is_compared_as_it_is if {
	review := _review({"source": _chart({"valuesObject": _selector(64)})}, _tenant({}))
	same := _fields(review) with data.tenantguard.config as {"defaults": {"arch": 64}}
	count(same) == 0
	other := _fields(review) with data.tenantguard.config as {"defaults": {"arch": "64"}}
	other == {"spec.source.helm.valuesObject.global.nodeSelector.kubernetes.io/arch"}
}

test_non_string_tenant_name_is_printed_as_json if {
	t := object.union(_arm, {"metadata": {"name": 123}})
	some v in rule.violation with input as _review({"source": _chart({"valuesObject": _selector("amd64")})}, t)
	contains(v.msg, `to "amd64", but tenant 123 runs on "arm64" nodes`)
}
