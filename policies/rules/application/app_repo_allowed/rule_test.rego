package tenantguard.rules.application.app_repo_allowed_test

import data.tenantguard.rules.application.app_repo_allowed as rule

_platform := "https://git.example.com/platform/tenants.git"

_app(spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": spec,
}

_review(spec) := {"operation": "CREATE", "object": _app(spec)}

_source(url) := {"repoURL": url, "path": "staging/shop", "targetRevision": "HEAD"}

_allow := ["https://git.example.com/platform/tenants.git", "git@GitHub.com:acme/charts.git", "https://charts.example.com/"]

_fields(spec) := {v.field: v.value |
	some v in rule.violation with input as _review(spec)
		with data.tenantguard.config as {"allowedRepos": _allow}
}

test_no_allowlist_turns_the_rule_off if {
	count(rule.violation) == 0 with input as _review({"source": _source("https://evil.example.com/x.git")})
}

test_empty_allowlist_turns_the_rule_off if {
	findings := rule.violation with input as _review({"source": _source("https://evil.example.com/x.git")})
		with data.tenantguard.config as {"allowedRepos": ["", 3]}
	count(findings) == 0
}

test_allowed_repo_is_allowed if {
	count(_fields({"source": _source(_platform)})) == 0
}

test_normalized_forms_are_allowed if {
	spec := {"sources": [
		_source("https://git.example.com/platform/tenants"),
		_source("https://git.example.com/platform/tenants/"),
		_source("HTTPS://GIT.Example.COM/platform/tenants.git/"),
		_source(" https://git.example.com/platform/tenants.git "),
		_source("git@github.com:acme/charts"),
		_source("git@GITHUB.COM:acme/charts.git/"),
		{"repoURL": "https://Charts.Example.com", "chart": "shop", "targetRevision": "1.2.3"},
	]}
	count(_fields(spec)) == 0
}

test_other_repo_is_refused if {
	_fields({"source": _source("https://git.example.com/someone/fork.git")}) == {"spec.source.repoURL": "https://git.example.com/someone/fork.git"}
}

test_path_case_is_significant if {
	_fields({"source": _source("https://git.example.com/Platform/Tenants.git")}) == {"spec.source.repoURL": "https://git.example.com/Platform/Tenants.git"}
}

test_lookalike_repos_are_refused if {
	spec := {"sources": [
		_source("https://git.example.com/platform/tenants-fork.git"),
		_source("https://git.example.com.evil.io/platform/tenants.git"),
		_source("https://git.example.com/platform/tenants.git/extra"),
		_source("http://git.example.com/platform/tenants.git"),
		_source("git@github.com:acme/charts2.git"),
		_source("git@evil.com:acme/charts.git"),
	]}
	count(_fields(spec)) == 6
}

test_every_source_kind_is_checked if {
	spec := {
		"sources": [_source(_platform), _source("https://evil.example.com/x.git")],
		"sourceHydrator": {"drySource": _source("https://evil.example.com/y.git")},
	}
	_fields(spec) == {
		"spec.sources[1].repoURL": "https://evil.example.com/x.git",
		"spec.sourceHydrator.drySource.repoURL": "https://evil.example.com/y.git",
	}
}

test_missing_or_odd_repo_url_does_not_fire if {
	count(_fields({"sources": [{"path": "staging/shop"}, _source(7), _source(null)]})) == 0
}

test_message_names_application_field_value_and_fix if {
	findings := rule.violation with input as _review({"source": _source("https://evil.example.com/x.git")})
		with data.tenantguard.config as {"allowedRepos": [_platform]}
	some v in findings
	v.rule == "app-repo-allowed"
	v.enforcement == "deny"
	v.field == "spec.source.repoURL"
	v.value == "https://evil.example.com/x.git"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, "spec.source.repoURL")
	contains(v.msg, `"https://evil.example.com/x.git"`)
	contains(v.msg, "allowedRepos: https://git.example.com/platform/tenants.git")
}

test_other_kinds_are_ignored if {
	obj := object.union(_app({"source": _source("https://evil.example.com/x.git")}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
		with data.tenantguard.config as {"allowedRepos": _allow}
}
