package tenantguard.rules.application.app_pinned_revision_test

import data.tenantguard.rules.application.app_pinned_revision as rule

_app(spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": spec,
}

_review(spec) := {"operation": "CREATE", "object": _app(spec)}

_source(revision) := {"repoURL": "https://git.example.com/platform.git", "path": "staging/shop", "targetRevision": revision}

_fields(spec) := {v.field | some v in rule.violation with input as _review(spec)}

test_head_is_allowed if {
	count(_fields({"source": _source("HEAD")})) == 0
}

test_branch_and_tag_names_are_allowed if {
	count(_fields({"sources": [_source("main"), _source("refs/tags/v1.2.0"), _source("release-2024")]})) == 0
}

test_missing_revision_is_allowed if {
	count(_fields({"source": {"repoURL": "https://git.example.com/platform.git", "path": "staging/shop"}})) == 0
}

test_short_sha_is_refused if {
	_fields({"source": _source("3f1c9a0")}) == {"spec.source.targetRevision"}
}

test_full_uppercase_sha_is_refused if {
	_fields({"source": _source("3F1C9A0B2D4E6F8091A2B3C4D5E6F708192A3B4C")}) == {"spec.source.targetRevision"}
}

test_sha_inside_refs_is_refused if {
	_fields({"source": _source("refs/heads/3f1c9a0b")}) == {"spec.source.targetRevision"}
}

test_six_or_fortyone_hex_chars_are_not_commits if {
	count(_fields({"sources": [_source("abcdef"), _source("3f1c9a0b2d4e6f8091a2b3c4d5e6f708192a3b4c5")]})) == 0
}

test_second_source_is_checked if {
	_fields({"sources": [_source("HEAD"), _source("deadbeef")]}) == {"spec.sources[1].targetRevision"}
}

test_hydrator_dry_source_is_checked if {
	spec := {"sourceHydrator": {"drySource": _source("0123456789abcdef0123")}}
	_fields(spec) == {"spec.sourceHydrator.drySource.targetRevision"}
}

test_chart_version_is_not_a_commit if {
	chart := {"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1234567"}
	count(_fields({"source": chart})) == 0
}

test_other_kinds_are_ignored if {
	obj := object.union(_app({"source": _source("3f1c9a0")}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_message_names_application_field_revision_and_fix if {
	some v in rule.violation with input as _review({"source": _source("3f1c9a0")})
	v.rule == "app-pinned-revision"
	v.enforcement == "deny"
	v.value == "3f1c9a0"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, "spec.source.targetRevision")
	contains(v.msg, `"3f1c9a0"`)
	contains(v.msg, "track HEAD")
}

test_unquoted_numeric_sha_is_refused if {
	spec := {"sources": [_source(1234567), _source(1234567890123456789012345678901234567890), _source(123456), _source(1.5)]}
	_fields(spec) == {"spec.sources[0].targetRevision", "spec.sources[1].targetRevision"}
}

test_unquoted_numeric_sha_message_says_it_was_read_as_a_number if {
	some v in rule.violation with input as _review({"source": _source(1234567)})
	v.value == 1234567
	v.msg == concat("", [
		"Application argocd/shop: spec.source.targetRevision is pinned to commit 1234567 ",
		"(written unquoted, so YAML reads it as a number); track HEAD instead ",
		"(set targetRevision: HEAD or remove it) and promote changes through git",
	])
}

test_numeric_chart_version_is_not_a_commit if {
	chart := {"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": 1234567}
	count(_fields({"source": chart})) == 0
}
