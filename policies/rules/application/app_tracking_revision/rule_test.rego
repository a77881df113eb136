package tenantguard.rules.application.app_tracking_revision_test

import data.tenantguard.rules.application.app_tracking_revision as rule

_app(spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": spec,
}

_review(spec) := {"operation": "CREATE", "object": _app(spec)}

_git(revision) := {"repoURL": "https://git.example.com/platform.git", "path": "staging/shop", "targetRevision": revision}

_chart(revision) := {"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": revision}

_fields(spec) := {v.field | some v in rule.violation with input as _review(spec)}

_values(spec) := {v.value | some v in rule.violation with input as _review(spec)}

# git sources

test_head_is_allowed if {
	count(_fields({"source": _git("HEAD")})) == 0
}

test_missing_revision_is_allowed if {
	count(_fields({"source": {"repoURL": "https://git.example.com/platform.git", "path": "staging/shop"}})) == 0
}

test_empty_revision_is_allowed if {
	count(_fields({"source": _git("")})) == 0
}

test_commit_sha_is_left_to_app_pinned_revision if {
	count(_fields({"sources": [_git("3f1c9a0"), _git("refs/heads/3F1C9A0B2D4E"), _git("0123456789abcdef0123456789abcdef01234567")]})) == 0
}

test_staging_branch_is_refused if {
	_fields({"source": _git("staging")}) == {"spec.source.targetRevision"}
}

test_environment_branches_in_sources_are_refused if {
	spec := {"sources": [_git("HEAD"), _git("production"), _git("main")]}
	_fields(spec) == {"spec.sources[1].targetRevision", "spec.sources[2].targetRevision"}
	_values(spec) == {"production", "main"}
}

test_branch_as_full_ref_is_refused if {
	_fields({"source": _git("refs/heads/production")}) == {"spec.source.targetRevision"}
}

test_lowercase_head_is_refused if {
	_fields({"source": _git("head")}) == {"spec.source.targetRevision"}
}

test_tag_is_refused_by_default if {
	_fields({"source": _git("v1.2.0")}) == {"spec.source.targetRevision"}
}

test_hydrator_dry_source_branch_is_refused if {
	_fields({"sourceHydrator": {"drySource": _git("staging")}}) == {"spec.sourceHydrator.drySource.targetRevision"}
}

test_empty_chart_field_is_a_git_source_and_branch_is_refused if {
	source := object.union(_git("production"), {"chart": ""})
	_fields({"source": source}) == {"spec.source.targetRevision"}
}

test_configured_tracking_ref_is_allowed if {
	findings := rule.violation with input as _review({"sources": [_git("HEAD"), _git("trunk")]})
		with data.tenantguard.config as {"trackingRefs": ["HEAD", "trunk"]}
	count(findings) == 0
}

test_head_is_refused_when_not_configured if {
	findings := rule.violation with input as _review({"source": _git("HEAD")})
		with data.tenantguard.config as {"trackingRefs": ["trunk"]}
	{v.field | some v in findings} == {"spec.source.targetRevision"}
	some v in findings
	contains(v.msg, "set targetRevision to one of trunk")
}

test_every_ref_is_refused_with_empty_tracking_refs if {
	findings := rule.violation with input as _review({"source": _git("HEAD")})
		with data.tenantguard.config as {"trackingRefs": []}
	some v in findings
	contains(v.msg, "allowed: none configured")
	contains(v.msg, "a ref listed in the cluster config's trackingRefs")
}

test_non_string_revision_is_refused if {
	spec := {"sources": [_git(3), _git(null), _git({"ref": "main"}), _git(true), _git(1.5), _git(["main"])]}
	_fields(spec) == {
		"spec.sources[0].targetRevision", "spec.sources[2].targetRevision", "spec.sources[3].targetRevision",
		"spec.sources[4].targetRevision", "spec.sources[5].targetRevision",
	}
}

test_numeric_commit_of_a_git_source_is_left_to_app_pinned_revision if {
	count(_fields({"sources": [_git(1234567), _git(12345678901234567890)]})) == 0
	_fields({"source": _git(123456)}) == {"spec.source.targetRevision"}
}

test_hydrator_numeric_revision_is_refused if {
	_fields({"sourceHydrator": {"drySource": _git(2024)}}) == {"spec.sourceHydrator.drySource.targetRevision"}
}

test_non_string_revision_message_says_why_and_how_to_fix if {
	some v in rule.violation with input as _review({"source": _git(2024)})
	v.value == 2024
	v.msg == concat("", [
		"Application argocd/shop: spec.source.targetRevision is 2024, a number rather than a string ",
		"(YAML reads an unquoted 1234567, 1.2 or true as one); ",
		"set targetRevision to HEAD (or remove it; HEAD is filled in), or quote the ref you meant",
	])
}

test_non_string_revision_fix_follows_tracking_refs if {
	some v in rule.violation with input as _review({"source": _git(true)}) with data.tenantguard.config.trackingRefs as ["main"]
	contains(v.msg, "is true, a boolean rather than a string")
	contains(v.msg, "set targetRevision to one of main, or quote the ref you meant")
}

test_branch_message_names_application_field_value_and_fix if {
	some v in rule.violation with input as _review({"source": _git("staging")})
	v.rule == "app-tracking-revision"
	v.enforcement == "deny"
	v.field == "spec.source.targetRevision"
	v.value == "staging"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, "spec.source.targetRevision")
	contains(v.msg, `"staging"`)
	contains(v.msg, "set targetRevision to HEAD")
	contains(v.msg, "allowed: HEAD")
}

# chart sources

test_exact_chart_versions_are_allowed if {
	spec := {"sources": [
		_chart("1.2.3"), _chart("v1.2.3"), _chart("1.2.3-rc.1"),
		_chart("10.20.30+build.5"), _chart("0.1.0-alpha-2.x"),
	]}
	count(_fields(spec)) == 0
}

test_missing_chart_version_is_refused if {
	spec := {"source": {"repoURL": "https://charts.example.com", "chart": "shop"}}
	_fields(spec) == {"spec.source.targetRevision"}
	_values(spec) == {""}
}

test_empty_chart_version_is_refused if {
	_fields({"source": _chart("")}) == {"spec.source.targetRevision"}
}

test_chart_head_is_refused if {
	_fields({"source": _chart("HEAD")}) == {"spec.source.targetRevision"}
}

test_chart_wildcards_are_refused if {
	spec := {"sources": [_chart("*"), _chart("1.2.*"), _chart("1.x"), _chart("1.2.X"), _chart("x"), _chart("*-0")]}
	count(_fields(spec)) == 6
}

test_chart_ranges_are_refused if {
	spec := {"sources": [
		_chart("^1.2.3"), _chart("~1.2.3"), _chart(">=1.2.0"), _chart("<2.0.0"),
		_chart("1.2.3 || 1.3.0"), _chart(">=1.2.0 <1.3.0"), _chart("1.2.3 - 1.4.0"),
	]}
	count(_fields(spec)) == 7
}

test_chart_latest_is_refused if {
	_fields({"sources": [_chart("HEAD"), _chart("latest"), _chart("LATEST")]}) == {
		"spec.sources[0].targetRevision",
		"spec.sources[1].targetRevision", "spec.sources[2].targetRevision",
	}
}

test_partial_chart_versions_are_refused if {
	count(_fields({"sources": [_chart("1.2"), _chart("1"), _chart("=1.2.3"), _chart(" 1.2.3"), _chart("1.2.3.4")]})) == 5
}

test_chart_sha_is_refused_as_not_a_version if {
	_fields({"source": _chart("3f1c9a0")}) == {"spec.source.targetRevision"}
}

test_non_string_chart_version_is_refused if {
	_values({"sources": [_chart(1.2), _chart(1234567), _chart(null)]}) == {1.2, 1234567}
	some v in rule.violation with input as _review({"source": _chart(1.2)})
	contains(v.msg, `spec.source.targetRevision is 1.2, a number rather than a string`)
	contains(v.msg, `write the exact chart version of chart "shop" as a quoted string, such as "1.2.3"`)
}

test_chart_messages_say_why if {
	msgs := {v.value: v.msg |
		some v in rule.violation with input as _review({"sources": [_chart(""), _chart("latest"), _chart("^1.2.0"), _chart("1.2")]})
	}
	contains(msgs[""], "no chart version is set")
	contains(msgs.latest, "latest floats to the newest release")
	contains(msgs["^1.2.0"], "a version range or wildcard")
	contains(msgs["1.2"], "not an exact MAJOR.MINOR.PATCH version")
}

test_chart_message_names_application_field_value_and_fix if {
	some v in rule.violation with input as _review({"sources": [_git("HEAD"), _chart("~1.2")]})
	v.rule == "app-tracking-revision"
	v.field == "spec.sources[1].targetRevision"
	v.value == "~1.2"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, "spec.sources[1].targetRevision")
	contains(v.msg, `chart "shop"`)
	contains(v.msg, `"~1.2"`)
	contains(v.msg, "set targetRevision to an exact chart version")
}

test_tracking_refs_do_not_apply_to_charts if {
	findings := rule.violation with input as _review({"source": _chart("stable")})
		with data.tenantguard.config as {"trackingRefs": ["HEAD", "stable"]}
	count(findings) == 1
}

test_other_kinds_are_ignored if {
	obj := object.union(_app({"source": _git("production")}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}
