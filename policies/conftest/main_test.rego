package main_test

import data.main

_pinned := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": {"project": "tenant-shop", "source": {"repoURL": "https://git.example.com/p.git", "path": "staging/shop", "targetRevision": "3f1c9a0"}},
}

test_pinned_manifest_is_a_violation_with_rule_id_in_msg if {
	some v in main.violation with input as _pinned
	v.rule == "app-pinned-revision"
	startswith(v.msg, "[app-pinned-revision] Application argocd/shop: ")
}

test_warn_enforcement_becomes_conftest_warn if {
	cfg := {"enforcement": {"app-pinned-revision": "warn"}}
	count(main.violation) == 0 with input as _pinned with data.tenantguard.config as cfg
	count(main.warn) == 1 with input as _pinned with data.tenantguard.config as cfg
}

test_combined_input_reviews_every_document if {
	combined := [
		{"path": "a.yaml", "contents": _pinned},
		{"path": "b.yaml", "contents": [_pinned, object.union(_pinned, {"metadata": {"name": "other"}})]},
	]
	names := {v.msg | some v in main.violation with input as combined}
	count(names) == 2
}

test_combined_tenants_give_context if {
	tenant := {"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": {"name": "shop"}, "spec": {"environment": "production"}}
	app := object.union(_pinned, {"metadata": {"labels": {"tenantguard.io/tenant": "shop"}}})
	combined := [{"path": "all.yaml", "contents": [tenant, app]}]
	main._tenants == {"shop": tenant} with input as combined
}

test_first_of_two_tenants_with_one_name_counts if {
	first := {"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": {"name": "shop"}, "spec": {"environment": "staging"}}
	second := object.union(first, {"spec": {"environment": "production"}})
	combined := [{"path": "a.yaml", "contents": [first]}, {"path": "b.yaml", "contents": [second]}]
	main._tenants == {"shop": first} with input as combined
}
