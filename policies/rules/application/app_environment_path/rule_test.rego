package tenantguard.rules.application.app_environment_path_test

import data.tenantguard.rules.application.app_environment_path as rule

_label := "tenantguard.io/environment"

_app(environment, spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd", "labels": {_label: environment}},
	"spec": spec,
}

_review(environment, spec) := {"operation": "CREATE", "object": _app(environment, spec)}

_git(path) := {"repoURL": "https://git.example.com/platform.git", "path": path, "targetRevision": "HEAD"}

_staging(spec) := {v.field: v.value | some v in rule.violation with input as _review("staging", spec)}

_production(spec) := {v.field: v.value | some v in rule.violation with input as _review("production", spec)}

# allowed paths

test_staging_paths_are_allowed if {
	spec := {"sources": [_git("staging/shop"), _git("staging"), _git("/staging/shop/"), _git("staging/a/../b"), _git("staging//shop/./x")]}
	count(_staging(spec)) == 0
}

test_production_path_in_production_is_allowed if {
	count(_production({"source": _git("production/shop")})) == 0
}

test_hydrator_dry_source_under_staging_is_allowed if {
	count(_staging({"sourceHydrator": {"drySource": _git("staging/shop")}})) == 0
}

# evasion attempts

test_parent_segment_into_production_is_refused if {
	_staging({"source": _git("staging/../production")}) == {"spec.source.path": "staging/../production"}
}

test_dot_prefixed_production_path_is_refused if {
	_staging({"source": _git("./production/x")}) == {"spec.source.path": "./production/x"}
}

test_absolute_production_path_is_refused if {
	_staging({"source": _git("/production/x")}) == {"spec.source.path": "/production/x"}
}

test_sibling_directory_with_staging_prefix_is_refused if {
	_staging({"source": _git("stagingfoo/x")}) == {"spec.source.path": "stagingfoo/x"}
}

test_second_source_pointing_to_production_is_refused if {
	spec := {"sources": [_git("staging/shop"), _git("production/shop")]}
	_staging(spec) == {"spec.sources[1].path": "production/shop"}
}

test_hydrator_dry_source_elsewhere_is_refused if {
	spec := {"sourceHydrator": {"drySource": _git("production/shop")}}
	_staging(spec) == {"spec.sourceHydrator.drySource.path": "production/shop"}
}

test_path_escaping_the_repository_is_refused if {
	_staging({"source": _git("../x")}) == {"spec.source.path": "../x"}
}

test_escape_from_inside_staging_is_refused if {
	_staging({"source": _git("staging/../../staging/shop")}) == {"spec.source.path": "staging/../../staging/shop"}
}

test_more_parent_segments_than_normalize_resolves_is_refused if {
	path := "staging/a/b/c/d/e/f/g/h/i/j/k/../../../../../../../../../../../../production"
	_staging({"source": _git(path)}) == {"spec.source.path": path}
}

test_repository_root_is_refused if {
	_staging({"sources": [_git("."), _git("/")]}) == {"spec.sources[0].path": ".", "spec.sources[1].path": "/"}
}

test_git_source_without_path_reads_the_root_and_is_refused if {
	spec := {"sources": [
		{"repoURL": "https://git.example.com/platform.git", "targetRevision": "HEAD"},
		_git(""),
	]}
	_staging(spec) == {"spec.sources[0].path": "", "spec.sources[1].path": ""}
}

test_ref_and_chart_sources_without_path_are_allowed if {
	spec := {"sources": [
		_git("staging/shop"),
		{"repoURL": "https://git.example.com/platform.git", "targetRevision": "HEAD", "ref": "values"},
		{"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.2.3"},
	]}
	count(_staging(spec)) == 0
}

test_production_reading_staging_is_refused if {
	_production({"source": _git("staging/shop")}) == {"spec.source.path": "staging/shop"}
}

test_non_string_path_does_not_fire if {
	count(_staging({"sources": [_git(["production"]), _git(7)]})) == 0
}

# value files

test_value_files_under_staging_are_allowed if {
	source := object.union(_git("staging/shop"), {"helm": {"valueFiles": [
		"values.yaml", "../common/values.yaml", "/staging/values.yaml",
		"$values/staging/shop/values-images.yaml", "https://example.com/production/values.yaml",
	]}})
	count(_staging({"source": source})) == 0
}

test_value_files_reading_production_are_refused if {
	source := object.union(_git("staging/shop"), {"helm": {"valueFiles": [
		"values.yaml", "../../production/shop/values-images.yaml",
		"/production/shop/values.yaml", "$values/production/shop/values-images.yaml",
	]}})
	_staging({"sources": [source]}) == {
		"spec.sources[0].helm.valueFiles[1]": "../../production/shop/values-images.yaml",
		"spec.sources[0].helm.valueFiles[2]": "/production/shop/values.yaml",
		"spec.sources[0].helm.valueFiles[3]": "$values/production/shop/values-images.yaml",
	}
}

test_chart_value_files_inside_the_chart_are_not_checked if {
	# without a ref source named values, Argo CD substitutes $values with
	# nothing and reads /production/x.yaml from the chart package
	source := {
		"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.2.3",
		"helm": {"valueFiles": ["values-production.yaml", "/ci/values.yaml", "$values/production/x.yaml", 3]},
	}
	count(_staging({"source": source})) == 0
}

test_chart_value_files_through_a_ref_source_are_checked if {
	spec := {"sources": [
		{
			"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.2.3",
			"helm": {"valueFiles": ["$values/staging/shop/values.yaml", "$values/production/shop/values.yaml"]},
		},
		{"repoURL": "https://git.example.com/platform.git", "targetRevision": "HEAD", "ref": "values"},
	]}
	_staging(spec) == {"spec.sources[0].helm.valueFiles[1]": "$values/production/shop/values.yaml"}
}

# environment

test_unknown_environment_does_not_fire if {
	obj := json.remove(_app("staging", {"source": _git("production/shop")}), ["metadata/labels"])
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_environment_from_tenant_is_used if {
	obj := json.remove(_app("staging", {"source": _git("production/shop")}), ["metadata/labels"])
	tenant := {"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": {"name": "shop"}, "spec": {"environment": "staging"}}
	fields := {v.field | some v in rule.violation with input as {"operation": "CREATE", "object": obj, "tenant": tenant}}
	fields == {"spec.source.path"}
}

test_unconfigured_environment_is_refused if {
	findings := rule.violation with input as _review("qa", {"source": _git("qa/shop")})
	{v.field: v.value | some v in findings} == {`metadata.labels["tenantguard.io/environment"]`: "qa"}
	some v in findings
	v.rule == "app-environment-path"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, `environment "qa"`)
	contains(v.msg, "production, staging")
}

test_configured_extra_environment_is_allowed if {
	findings := rule.violation with input as _review("qa", {"source": _git("qa/shop")})
		with data.tenantguard.config as {"environments": {"qa": "qa"}}
	count(findings) == 0
}

test_non_string_environment_does_not_fire if {
	obj := json.remove(_app("staging", {"source": _git("production/shop")}), ["metadata/labels"])
	tenant := {"metadata": {"name": "shop"}, "spec": {"environment": 1}}
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj, "tenant": tenant}
}

test_configured_directory_is_normalized if {
	cfg := {"environments": {"staging": "./envs/stg/", "production": "envs/prod"}}
	findings := rule.violation with input as _review("staging", {"sources": [_git("envs/stg/shop"), _git("envs/prod/shop"), _git("staging/shop")]})
		with data.tenantguard.config as cfg
	{v.field | some v in findings} == {"spec.sources[1].path", "spec.sources[2].path"}
}

test_other_environment_nested_inside_is_refused if {
	cfg := {"environments": {"staging": "envs", "production": "envs/production"}}
	findings := rule.violation with input as _review("staging", {"sources": [_git("envs/shop"), _git("envs/production/shop")]})
		with data.tenantguard.config as cfg
	{v.field | some v in findings} == {"spec.sources[1].path"}
	some v in findings
	contains(v.msg, `inside another environment's directory "envs/production"`)
}

test_repository_root_directory_allows_paths_inside_the_repository if {
	cfg := {"environments": {"staging": ".", "production": "production"}}
	findings := rule.violation with input as _review("staging", {"sources": [_git("shop"), _git("../other"), _git("production/x")]})
		with data.tenantguard.config as cfg
	{v.field | some v in findings} == {"spec.sources[1].path", "spec.sources[2].path"}
}

test_message_names_application_field_value_and_fix if {
	some v in rule.violation with input as _review("staging", {"source": _git("staging/../production")})
	v.rule == "app-environment-path"
	v.enforcement == "deny"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, "spec.source.path")
	contains(v.msg, `"staging/../production"`)
	contains(v.msg, `reads "production"`)
	contains(v.msg, `outside the staging directory "staging"`)
	contains(v.msg, "point it at a path under staging/")
}

test_root_message_names_the_repository_root if {
	some v in rule.violation with input as _review("staging", {"source": _git("")})
	contains(v.msg, "reads the repository root")
}

test_other_kinds_are_ignored if {
	obj := object.union(_app("staging", {"source": _git("production/shop")}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_value_files_of_a_source_without_path_resolve_from_the_root if {
	source := {"repoURL": "https://git.example.com/platform.git", "helm": {"valueFiles": ["staging/values.yaml", "production/values.yaml"]}}
	_staging({"source": source}) == {"spec.source.path": "", "spec.source.helm.valueFiles[1]": "production/values.yaml"}
}

test_value_files_given_as_object_do_not_fire if {
	source := object.union(_git("staging/shop"), {"helm": {"valueFiles": {"a": "/production/values.yaml"}}})
	count(_staging({"source": source})) == 0
}

test_path_inside_two_nested_environment_directories_is_refused_once if {
	cfg := {"environments": {"staging": "envs", "production": "envs/production", "canary": "envs/production/canary"}}
	findings := rule.violation with input as _review("staging", {"source": _git("envs/production/canary/shop")})
		with data.tenantguard.config as cfg
	count(findings) == 1
	some v in findings
	contains(v.msg, `inside another environment's directory "envs/production/canary"`)
}

# the environment is the Tenant's

_tenant(environment) := {"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": {"name": "shop"}, "spec": {"environment": environment}}

_with_tenant(labels, spec, environment) := {
	"operation": "CREATE",
	"object": object.union(json.remove(_app("staging", spec), ["metadata/labels"]), {"metadata": {"labels": labels}}),
	"tenant": _tenant(environment),
}

_tenant_findings(labels, spec, environment) := {v.field: v.value | some v in rule.violation with input as _with_tenant(labels, spec, environment)}

test_production_label_on_a_staging_tenant_does_not_open_production if {
	# the example of the issue: a staging tenant's Application labelled
	# production may not read production/
	_tenant_findings({_label: "production"}, {"source": _git("production/shop")}, "staging") == {
		`metadata.labels["tenantguard.io/environment"]`: "production",
		"spec.source.path": "production/shop",
	}
}

test_label_contradicting_the_tenant_is_refused_even_on_a_clean_path if {
	_tenant_findings({_label: "production"}, {"source": _git("staging/shop")}, "staging") == {
		`metadata.labels["tenantguard.io/environment"]`: "production",
	}
	_tenant_findings({_label: "staging"}, {"source": _git("production/shop")}, "production") == {
		`metadata.labels["tenantguard.io/environment"]`: "staging",
	}
}

test_label_agreeing_with_the_tenant_or_absent_is_allowed if {
	count(_tenant_findings({_label: "staging"}, {"source": _git("staging/shop")}, "staging")) == 0
	count(_tenant_findings({}, {"source": _git("staging/shop")}, "staging")) == 0
	count(_tenant_findings({_label: ""}, {"source": _git("staging/shop")}, "staging")) == 0
}

test_contradiction_message_names_label_tenant_and_fix if {
	some v in rule.violation with input as _with_tenant({_label: "production"}, {"source": _git("staging/shop")}, "staging")
	v.msg == concat("", [
		`Application argocd/shop: metadata.labels["tenantguard.io/environment"] is "production", `,
		`but tenant "shop" is in the "staging" environment (its spec.environment); `,
		`an Application's environment is its Tenant's: set the label to "staging" or remove it (tenantguard fills it in)`,
	])
}

test_tenant_without_environment_leaves_the_label_to_decide if {
	review := object.union(_review("production", {"source": _git("staging/shop")}), {"tenant": {"metadata": {"name": "shop"}, "spec": {}}})
	{v.field | some v in rule.violation with input as review} == {"spec.source.path"}
}

# everything a source reads

test_value_file_urls_into_the_repository_are_held_to_the_directory if {
	source := object.union(_git("staging/shop"), {"helm": {"valueFiles": [
		"https://git.example.com/platform.git/staging/shop/values.yaml",
		"https://git.example.com/platform.git/production/shop/values.yaml",
		"https://git.example.com/platform/-/raw/main/production/values.yaml",
		"https://git.example.com/platform/raw/main/staging/values.yaml",
		"https://git.example.com/platform/raw/x/staging/production/values.yaml",
		"https://git.example.com/platform/raw/main/shared/values.yaml",
		"https://example.com/platform/production/values.yaml",
	]}})
	_staging({"source": source}) == {
		"spec.source.helm.valueFiles[1]": "https://git.example.com/platform.git/production/shop/values.yaml",
		"spec.source.helm.valueFiles[2]": "https://git.example.com/platform/-/raw/main/production/values.yaml",
		"spec.source.helm.valueFiles[4]": "https://git.example.com/platform/raw/x/staging/production/values.yaml",
		"spec.source.helm.valueFiles[5]": "https://git.example.com/platform/raw/main/shared/values.yaml",
	}
}

test_a_ref_that_may_hold_a_slash_names_the_other_environment_it_may_read if {
	url := "https://git.example.com/platform/raw/x/staging/production/values.yaml"
	some v in rule.violation with input as _review("staging", {"source": object.union(_git("staging/shop"), {"helm": {"valueFiles": [url]}})})
	contains(v.msg, `reads "production/values.yaml", outside the staging directory "staging"`)
}

test_file_parameters_and_components_are_held_to_the_directory if {
	source := object.union(_git("staging/shop"), {
		"helm": {"fileParameters": [{"name": "a", "path": "a.json"}, {"name": "b", "path": "/production/b.json"}]},
		"kustomize": {"components": ["../components/x", "../../production/components/y"]},
	})
	_staging({"source": source}) == {
		"spec.source.helm.fileParameters[1].path": "/production/b.json",
		"spec.source.kustomize.components[1]": "../../production/components/y",
	}
}

# Each read alone on an otherwise plain Application: the rule's early stop for
# plain Applications never skips it.
test_a_component_alone_is_held_to_the_directory if {
	source := object.union(_git("staging/shop"), {"kustomize": {"components": ["../../production/y"]}})
	_staging({"source": source}) == {"spec.source.kustomize.components[0]": "../../production/y"}
}

test_a_file_parameter_alone_is_held_to_the_directory if {
	source := object.union(_git("staging/shop"), {"helm": {"fileParameters": [{"name": "b", "path": "../../production/b.json"}]}})
	_staging({"source": source}) == {"spec.source.helm.fileParameters[0].path": "../../production/b.json"}
}

test_a_value_file_alone_is_held_to_the_directory if {
	source := object.union(_git("staging/shop"), {"helm": {"valueFiles": ["values.yaml", "../../production/values.yaml"]}})
	_staging({"source": source}) == {"spec.source.helm.valueFiles[1]": "../../production/values.yaml"}
}

test_hydrator_sync_path_is_held_to_the_directory if {
	spec := {"sourceHydrator": {
		"drySource": _git("staging/shop"),
		"syncSource": {"targetBranch": "environments/staging", "path": "production/shop"},
	}}
	_staging(spec) == {"spec.sourceHydrator.syncSource.path": "production/shop"}
	count(_staging({"sourceHydrator": {"drySource": _git("staging/shop"), "syncSource": {"targetBranch": "env", "path": "staging/shop"}}})) == 0
}

test_a_file_tenantguard_cannot_resolve_is_refused if {
	source := object.union(_git("staging/shop"), {"helm": {"valueFiles": ["$KUBE_API_VERSIONS/values.yaml"]}})
	_staging({"source": source}) == {"spec.source.helm.valueFiles[0]": "$KUBE_API_VERSIONS/values.yaml"}
	some v in rule.violation with input as _review("staging", {"source": source})
	contains(v.msg, "reads a path tenantguard cannot resolve before rendering")
}

test_deep_parent_segments_are_resolved if {
	names := concat("/", [sprintf("d%d", [i]) | some i in numbers.range(1, 30)])
	parents := concat("/", [".." | some _ in numbers.range(1, 30)])
	inside := concat("/", ["staging", names, parents, "shop"])
	outside := concat("/", ["staging", names, parents, "..", "production"])
	_staging({"sources": [_git(inside), _git(outside)]}) == {"spec.sources[1].path": outside}
}

test_a_raw_url_may_read_into_another_environment_nested_in_this_one if {
	cfg := {"environments": {"staging": "envs", "production": "envs/production"}}
	url := "https://git.example.com/platform/raw/x/envs/production/values.yaml"
	source := object.union(_git("envs/shop"), {"helm": {"valueFiles": [url]}})
	{v.field | some v in rule.violation with input as _review("staging", {"source": source})} == {"spec.source.helm.valueFiles[0]"} with data.tenantguard.config as cfg
}

test_an_environment_directory_holding_another_is_not_the_other if {
	# production's directory holds staging's: what staging reads lies in both
	cfg := {"environments": {"staging": "envs/staging", "production": "envs"}}
	url := "https://git.example.com/platform/raw/main/envs/staging/values.yaml"
	source := object.union(_git("envs/staging/shop"), {"helm": {"valueFiles": [url, "values.yaml"]}})
	count(rule.violation) == 0 with input as _review("staging", {"source": source}) with data.tenantguard.config as cfg
}

test_a_plain_application_with_values_files_is_allowed if {
	source := object.union(_git("staging/shop"), {"helm": {
		"valueFiles": ["values.yaml", "values-images.yaml"],
		"fileParameters": [{"name": "a", "path": "a.json"}],
	}})
	count(_staging({"source": source})) == 0
}
