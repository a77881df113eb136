package tenantguard.rules.application.app_production_source_test

import data.tenantguard.rules.application.app_production_source as rule

_supervisor := "system:serviceaccount:tenantguard-system:tenantguard"

_appset := "system:serviceaccount:argocd:argocd-applicationset-controller"

_repo := "https://git.example.com/platform.git"

_app(spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": spec,
}

_git(path) := {"repoURL": _repo, "path": path, "targetRevision": "HEAD"}

_create(user, spec) := {"operation": "CREATE", "object": _app(spec), "userInfo": {"username": user, "groups": ["system:authenticated"]}}

_update(user, old, new) := {
	"operation": "UPDATE",
	"object": _app(new),
	"oldObject": _app(old),
	"userInfo": {"username": user},
}

_fields(review) := {v.field: v.value | some v in rule.violation with input as review}

# CREATE

test_person_creating_production_application_is_refused if {
	_fields(_create("alice@example.com", {"source": _git("production/shop")})) == {"spec.source.path": "production/shop"}
}

test_person_creating_production_directory_itself_is_refused if {
	_fields(_create("alice", {"source": _git("/production/")})) == {"spec.source.path": "/production/"}
}

test_person_creating_normalized_production_path_is_refused if {
	_fields(_create("alice", {"sources": [_git("staging/shop"), _git("staging/../production/shop")]})) == {"spec.sources[1].path": "staging/../production/shop"}
}

test_person_creating_hydrator_dry_source_in_production_is_refused if {
	review := _create("alice", {"sourceHydrator": {"drySource": _git("./production/shop")}})
	_fields(review) == {"spec.sourceHydrator.drySource.path": "./production/shop"}
}

test_person_creating_staging_application_is_allowed if {
	count(_fields(_create("alice", {"sources": [_git("staging/shop"), _git("productionfoo/x"), _git("../production/x")]}))) == 0
}

test_supervisor_creating_production_application_is_allowed if {
	count(_fields(_create(_supervisor, {"source": _git("production/shop")}))) == 0
}

test_applicationset_controller_creating_production_application_is_allowed if {
	count(_fields(_create(_appset, {"source": _git("production/shop")}))) == 0
}

test_configured_trusted_identity_is_allowed if {
	findings := rule.violation with input as _create("release-bot", {"source": _git("production/shop")})
		with data.tenantguard.config as {"trustedIdentities": ["release-bot"]}
	count(findings) == 0
}

test_default_identity_is_untrusted_once_config_replaces_the_list if {
	findings := rule.violation with input as _create(_supervisor, {"source": _git("production/shop")})
		with data.tenantguard.config as {"trustedIdentities": ["release-bot"]}
	count(findings) == 1
}

test_configured_production_directory_is_used if {
	cfg := {"environments": {"production": "envs/prod/"}}
	findings := rule.violation with input as _create("alice", {"sources": [_git("production/shop"), _git("envs/prod/shop")]})
		with data.tenantguard.config as cfg
	{v.field | some v in findings} == {"spec.sources[1].path"}
}

# rendered manifests and odd input

test_rendered_manifest_without_user_is_not_checked if {
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": _app({"source": _git("production/shop")}), "userInfo": {}}
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": _app({"source": _git("production/shop")})}
}

test_empty_or_odd_username_is_not_checked if {
	count(_fields(_create("", {"source": _git("production/shop")}))) == 0
	count(_fields(_create(["alice"], {"source": _git("production/shop")}))) == 0
}

test_delete_is_not_checked if {
	review := {"operation": "DELETE", "oldObject": _app({"source": _git("production/shop")}), "userInfo": {"username": "alice"}}
	count(rule.violation) == 0 with input as review
}

test_non_string_path_does_not_fire if {
	count(_fields(_create("alice", {"source": _git(["production"])}))) == 0
}

# UPDATE

test_person_repointing_staging_application_at_production_is_refused if {
	review := _update("alice", {"source": _git("staging/shop")}, {"source": _git("production/shop")})
	_fields(review) == {"spec.source.path": "production/shop"}
}

test_person_adding_production_source_is_refused if {
	old := {"sources": [_git("production/shop")]}
	new := {"sources": [_git("production/shop"), _git("production/billing")]}
	_fields(_update("alice", old, new)) == {"spec.sources[1].path": "production/billing"}
}

test_person_repointing_production_repository_is_refused if {
	old := {"source": _git("production/shop")}
	new := {"source": object.union(_git("production/shop"), {"repoURL": "https://git.example.com/fork.git"})}
	_fields(_update("alice", old, new)) == {"spec.source.path": "production/shop"}
}

test_person_editing_other_fields_of_production_application_is_allowed if {
	old := {"source": _git("production/shop"), "project": "tenant-shop"}
	new := {"source": object.union(_git("production/shop/"), {"repoURL": "https://GIT.example.com/platform/"}), "project": "tenant-shop", "syncPolicy": {}}
	count(_fields(_update("alice", old, new))) == 0
}

test_person_moving_production_source_between_positions_is_allowed if {
	old := {"source": _git("production/shop")}
	new := {"sources": [{"repoURL": _repo, "ref": "values"}, _git("./production/shop")]}
	count(_fields(_update("alice", old, new))) == 0
}

test_production_path_read_by_old_hydrator_or_sources_is_allowed if {
	old := {"sourceHydrator": {"drySource": _git("production/shop")}, "sources": [_git("production/billing"), "odd"]}
	new := {"sources": [_git("production/shop"), _git("production/billing")]}
	count(_fields(_update("alice", old, new))) == 0
}

test_old_source_without_repo_or_path_reads_nothing_new if {
	old := {"sources": [{"path": "production/shop"}, {"repoURL": _repo}]}
	new := {"sources": [_git("production/shop")]}
	_fields(_update("alice", old, new)) == {"spec.sources[0].path": "production/shop"}
}

test_update_without_old_object_is_not_checked if {
	review := {"operation": "UPDATE", "object": _app({"source": _git("production/shop")}), "userInfo": {"username": "alice"}}
	count(rule.violation) == 0 with input as review
}

test_supervisor_repointing_at_production_is_allowed if {
	review := _update(_supervisor, {"source": _git("staging/shop")}, {"source": _git("production/shop")})
	count(_fields(review)) == 0
}

test_message_names_application_field_value_user_and_fix if {
	some v in rule.violation with input as _update("alice", {"source": _git("staging/shop")}, {"source": _git("production/shop")})
	v.rule == "app-production-source"
	v.enforcement == "deny"
	v.field == "spec.source.path"
	v.value == "production/shop"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, "spec.source.path")
	contains(v.msg, `"production/shop"`)
	contains(v.msg, "re-pointing an Application at production")
	contains(v.msg, `"alice" is not one`)
	contains(v.msg, _supervisor)
	contains(v.msg, "open a pull request that promotes staging/ to production/")
}

test_create_message_says_creating if {
	some v in rule.violation with input as _create("alice", {"source": _git("production/shop")})
	contains(v.msg, "creating an Application at production")
}

test_message_uses_configured_staging_directory if {
	some v in rule.violation with input as _create("alice", {"source": _git("prod/shop")})
		with data.tenantguard.config as {"environments": {"staging": "stg/", "production": "prod"}}
	contains(v.msg, "promotes stg/ to prod/")
}

test_other_kinds_are_ignored if {
	review := _create("alice", {"source": _git("production/shop")})
	obj := object.union(review.object, {"kind": "AppProject"})
	count(rule.violation) == 0 with input as object.union(review, {"object": obj})
}

test_message_falls_back_to_staging_directory if {
	some v in rule.violation with input as _create("alice", {"source": _git("production/shop")})
		with data.tenantguard.config as {"environments": {"staging": null}}
	contains(v.msg, "promotes staging/ to production/")
}
