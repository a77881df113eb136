package tenantguard.rules.application.app_image_tag_override_test

import data.tenantguard.rules.application.app_image_tag_override as rule

_app(environment, spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd", "labels": {"tenantguard.io/environment": environment}},
	"spec": spec,
}

_review(environment, spec) := {"operation": "CREATE", "object": _app(environment, spec)}

_helm(helm) := {"repoURL": "https://git.example.com/platform.git", "path": "production/shop", "targetRevision": "HEAD", "helm": helm}

_kustomize(images) := {"repoURL": "https://git.example.com/platform.git", "path": "production/shop", "kustomize": {"images": images}}

_production(spec) := {v.field: v.value | some v in rule.violation with input as _review("production", spec)}

_staging(spec) := {v.field: v.value | some v in rule.violation with input as _review("staging", spec)}

# allowed

test_values_files_only_is_allowed if {
	count(_production({"source": _helm({"valueFiles": ["values.yaml", "values-images.yaml"]})})) == 0
}

test_other_values_are_allowed if {
	helm := {
		"parameters": [{"name": "replicaCount", "value": "3"}, {"name": "image.repository", "value": "shop"}, {"name": "imageTagPolicy", "value": "x"}],
		"valuesObject": {"image": {"repository": "shop", "pullPolicy": "Always"}, "mytag": "x", "image_tag": "y", "global": {"nodeSelector": {"kubernetes.io/arch": "amd64"}}},
		"values": "image:\n  repository: shop\n",
	}
	count(_production({"source": _helm(helm)})) == 0
}

test_kustomize_images_without_tag_are_allowed if {
	count(_production({"source": _kustomize(["shop", "shop=registry.example.com/shop", "registry:5000/shop", "old=registry.example.com:5000/team/shop"])})) == 0
}

test_staging_may_override if {
	spec := {"sources": [
		_helm({"parameters": [{"name": "image.tag", "value": "1.2.4"}], "valuesObject": {"imageTag": "1.2.4"}, "values": "image:\n  tag: 1.2.4\n"}),
		_kustomize(["shop:1.2.4"]),
	]}
	count(_staging(spec)) == 0
}

test_unknown_environment_does_not_fire if {
	obj := json.remove(_app("production", {"source": _helm({"parameters": [{"name": "image.tag", "value": "1"}]})}), ["metadata/labels"])
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_production_from_tenant_is_checked if {
	obj := json.remove(_app("production", {"source": _helm({"parameters": [{"name": "image.tag", "value": "1"}]})}), ["metadata/labels"])
	tenant := {"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": {"name": "shop"}, "spec": {"environment": "production"}}
	{v.field | some v in rule.violation with input as {"operation": "CREATE", "object": obj, "tenant": tenant}} == {"spec.source.helm.parameters[0].name"}
}

# Helm parameters

test_image_tag_parameters_are_refused if {
	helm := {"parameters": [
		{"name": "replicaCount", "value": "3"},
		{"name": "image.tag", "value": "1.2.4"},
		{"name": "conduit.image.tag", "value": "1.2.4"},
		{"name": "imageTag", "value": "1.2.4"},
		{"name": "global.imageTag"},
	]}
	_production({"source": _helm(helm)}) == {
		"spec.source.helm.parameters[1].name": "image.tag",
		"spec.source.helm.parameters[2].name": "conduit.image.tag",
		"spec.source.helm.parameters[3].name": "imageTag",
		"spec.source.helm.parameters[4].name": "global.imageTag",
	}
}

test_image_tag_file_parameter_is_refused if {
	helm := {"fileParameters": [{"name": "image.tag", "path": "tag.txt"}]}
	_production({"sources": [_helm(helm)]}) == {"spec.sources[0].helm.fileParameters[0].name": "image.tag"}
}

test_parameter_message_names_application_field_value_and_fix if {
	some v in rule.violation with input as _review("production", {"source": _helm({"parameters": [{"name": "image.tag", "value": "1.2.4"}]})})
	v.rule == "app-image-tag-override"
	v.enforcement == "deny"
	v.field == "spec.source.helm.parameters[0].name"
	v.value == "image.tag"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, "spec.source.helm.parameters[0].name")
	contains(v.msg, `parameter "image.tag" = "1.2.4"`)
	contains(v.msg, "remove the override")
	contains(v.msg, "promote values-images.yaml to production/ through a pull request")
}

test_parameter_messages_show_path_or_missing_value if {
	helm := {"fileParameters": [{"name": "image.tag", "path": "tag.txt"}], "parameters": [{"name": "imageTag"}]}
	msgs := {v.msg | some v in rule.violation with input as _review("production", {"source": _helm(helm)})}
	some m1 in msgs
	contains(m1, `file parameter "image.tag" = "tag.txt"`)
	some m2 in msgs
	contains(m2, `parameter "imageTag" = (no value)`)
}

# valuesObject

test_values_object_image_tags_are_refused if {
	helm := {"valuesObject": {
		"image": {"tag": "1.2.4", "repository": "shop"},
		"conduit": {"image": {"tag": 7}},
		"workers": [{"imageTag": "1.2.4"}],
		"imageTag": null,
	}}
	_production({"source": _helm(helm)}) == {
		"spec.source.helm.valuesObject.image.tag": "1.2.4",
		"spec.source.helm.valuesObject.conduit.image.tag": 7,
		"spec.source.helm.valuesObject.workers[0].imageTag": "1.2.4",
		"spec.source.helm.valuesObject.imageTag": null,
	}
}

test_values_object_dotted_key_is_refused if {
	findings := rule.violation with input as _review("production", {"source": _helm({"valuesObject": {"image.tag": "1", "image": {"tag": "2"}}})})
	{v.value | some v in findings} == {"1", "2"}
	{v.field | some v in findings} == {"spec.source.helm.valuesObject.image.tag"}
}

test_values_object_message_shows_the_value if {
	some v in rule.violation with input as _review("production", {"source": _helm({"valuesObject": {"conduit": {"image": {"tag": 7}}}})})
	contains(v.msg, "with conduit.image.tag = 7;")
}

test_values_object_message_shows_an_object_value_as_json if {
	some v in rule.violation with input as _review("production", {"source": _helm({"valuesObject": {"image": {"tag": {"name": "v2", "pinned": true}}}})})
	contains(v.msg, `with image.tag = {"name":"v2","pinned":true};`)
}

# values YAML

test_values_yaml_image_tag_is_refused if {
	helm := {"values": "replicaCount: 2\nconduit:\n  image:\n    repository: shop\n    tag: \"1.2.4\"\n"}
	_production({"sources": [_helm({}), _helm(helm)]}) == {"spec.sources[1].helm.values": "1.2.4"}
}

test_values_yaml_message_names_the_value_path if {
	some v in rule.violation with input as _review("production", {"source": _helm({"values": "global:\n  imageTag: v9\n"})})
	v.field == "spec.source.helm.values"
	contains(v.msg, `with global.imageTag = "v9"`)
}

test_values_given_as_object_is_checked if {
	_production({"source": _helm({"values": {"image": {"tag": "1"}}})}) == {"spec.source.helm.values": "1"}
}

test_invalid_values_yaml_does_not_fire if {
	count(_production({"source": _helm({"values": "image: [tag: 1"})})) == 0
	count(_production({"source": _helm({"values": 12})})) == 0
	count(_production({"source": _helm({"values": ""})})) == 0
}

# kustomize images

test_kustomize_images_with_tag_or_digest_are_refused if {
	images := [
		"shop",
		"shop:1.2.4",
		"shop=registry.example.com/shop:1.2.4",
		"shop@sha256:0123456789abcdef",
		"registry:5000/team/shop:1.2.4",
		"shop=registry:5000/shop@sha256:abc",
		"registry:5000/shop",
		7,
	]
	_production({"source": _kustomize(images)}) == {
		"spec.source.kustomize.images[1]": "shop:1.2.4",
		"spec.source.kustomize.images[2]": "shop=registry.example.com/shop:1.2.4",
		"spec.source.kustomize.images[3]": "shop@sha256:0123456789abcdef",
		"spec.source.kustomize.images[4]": "registry:5000/team/shop:1.2.4",
		"spec.source.kustomize.images[5]": "shop=registry:5000/shop@sha256:abc",
	}
}

test_kustomize_message_names_the_image if {
	some v in rule.violation with input as _review("production", {"source": _kustomize(["shop:1.2.4"])})
	contains(v.msg, `with image "shop:1.2.4"`)
}

# config

test_configured_tag_keys_are_used if {
	helm := {"parameters": [{"name": "image.tag", "value": "1"}, {"name": "app.version", "value": "2"}]}
	findings := rule.violation with input as _review("production", {"source": _helm(helm)})
		with data.tenantguard.config as {"imageTagKeys": ["version", "", 3]}
	{v.field | some v in findings} == {"spec.source.helm.parameters[1].name"}
}

test_odd_helm_shapes_do_not_fire if {
	helm := {"parameters": [{"name": 3}, "image.tag", {"value": "1"}], "valuesObject": "image:\n  tag: 1\n", "fileParameters": {"name": "image.tag"}}
	count(_production({"source": _helm(helm)})) == 0
	count(_production({"source": {"repoURL": "x", "helm": null, "kustomize": {"images": "shop:1"}}})) == 0
}

test_other_kinds_are_ignored if {
	obj := object.union(_app("production", {"source": _helm({"parameters": [{"name": "image.tag", "value": "1"}]})}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_parameters_given_as_object_do_not_fire if {
	count(_production({"source": _helm({"parameters": {"a": {"name": "image.tag"}}})})) == 0
	count(_production({"source": _kustomize({"a": "shop:1"})})) == 0
}

# The JSON text check that skips the walk when no tag key can match must not
# skip a value path that does match.

test_values_object_key_holding_a_dotted_tag_key_is_refused if {
	_production({"source": _helm({"valuesObject": {"conduit.image.tag": "1", "image": {"tagx": "2"}}})}) == {"spec.source.helm.valuesObject.conduit.image.tag": "1"}
}

test_values_without_a_tag_key_are_allowed if {
	count(_production({"source": _helm({"valuesObject": {"image": {"repository": "shop"}}, "values": "replicas: 2\n"})})) == 0
}

test_configured_tag_key_ending_with_an_index_is_used if {
	spec := {"source": _helm({"valuesObject": {"tags": ["1", "2"]}})}
	findings := _production(spec) with data.tenantguard.config as {"imageTagKeys": ["tags[0]"]}
	findings == {"spec.source.helm.valuesObject.tags[0]": "1"}
}

test_configured_tag_key_with_characters_json_escapes_is_used if {
	spec := {"source": _helm({"valuesObject": {"image": {"<tag>": "1"}}})}
	findings := _production(spec) with data.tenantguard.config as {"imageTagKeys": ["image.<tag>"]}
	findings == {"spec.source.helm.valuesObject.image.<tag>": "1"}
}
