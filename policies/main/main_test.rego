package tenantguard.main_test

import data.tenantguard.main

_pinned := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": {"source": {"repoURL": "https://git.example.com/p.git", "path": "staging/shop", "targetRevision": "3f1c9a0"}},
}

test_rule_default_enforcement_applies if {
	rules := {v.rule | some v in main.deny} with input as main.manifest_review(_pinned)
	rules == {"app-pinned-revision"}
}

test_config_overrides_enforcement if {
	findings := main.warn with input as main.manifest_review(_pinned)
		with data.tenantguard.config.enforcement as {"app-pinned-revision": "warn"}
	{v.rule | some v in findings} == {"app-pinned-revision"}
	count(main.deny) == 0 with input as main.manifest_review(_pinned)
		with data.tenantguard.config.enforcement as {"app-pinned-revision": "warn"}
}

test_dryrun_never_denies if {
	cfg := {"app-pinned-revision": "dryrun"}
	count(main.dryrun) == 1 with input as main.manifest_review(_pinned) with data.tenantguard.config.enforcement as cfg
	count(main.deny) == 0 with input as main.manifest_review(_pinned) with data.tenantguard.config.enforcement as cfg
}

test_manifest_review_is_a_create if {
	r := main.manifest_review(_pinned)
	r.operation == "CREATE"
	r.object == _pinned
}
