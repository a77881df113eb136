package main_test

import data.main

_pinned := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": {"source": {"repoURL": "https://git.example.com/p.git", "path": "staging/shop", "targetRevision": "3f1c9a0"}},
}

test_pinned_manifest_is_a_violation_with_rule_id_in_msg if {
	some v in main.violation with input as _pinned
	v.rule == "app-pinned-revision"
	startswith(v.msg, "[app-pinned-revision] Application argocd/shop: ")
}

test_warn_enforcement_becomes_conftest_warn if {
	cfg := {"app-pinned-revision": "warn"}
	count(main.violation) == 0 with input as _pinned with data.tenantguard.config.enforcement as cfg
	count(main.warn) == 1 with input as _pinned with data.tenantguard.config.enforcement as cfg
}
