package tenantguard.main_test

import data.tenantguard.main

_pinned := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": {"project": "tenant-shop", "source": {"repoURL": "https://git.example.com/p.git", "path": "staging/shop", "targetRevision": "3f1c9a0"}},
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

test_excluded_namespaces_are_left_alone if {
	excluded := object.union(_pinned, {"metadata": {"name": "shop", "namespace": "kube-system"}})
	count(main.violations) == 0 with input as main.manifest_review(excluded)
	count(main.violations) == 1 with input as main.manifest_review(excluded)
		with data.tenantguard.config.excludedNamespaces as []
}

test_manifest_review_finds_tenant_by_label if {
	labelled := object.union(_pinned, {"metadata": {"labels": {"tenantguard.io/tenant": "shop"}}})
	r := main.manifest_review(labelled) with data.tenantguard.tenants as {"billing": _tenant("billing"), "shop": _tenant("shop")}
	r.tenant.metadata.name == "shop"
}

test_manifest_review_finds_tenant_by_destination_namespace if {
	app := object.union(_pinned, {"spec": {"destination": {"namespace": "tenant-billing"}}})
	r := main.manifest_review(app) with data.tenantguard.tenants as {"billing": _tenant("billing"), "shop": _tenant("shop")}
	r.tenant.metadata.name == "billing"
}

test_manifest_review_without_tenant_has_no_tenant if {
	r := main.manifest_review(_pinned) with data.tenantguard.tenants as {"billing": _tenant("billing")}
	not r.tenant
}

test_tenant_manifest_gets_no_tenant_context if {
	r := main.manifest_review(_tenant("shop")) with data.tenantguard.tenants as {"shop": _tenant("shop")}
	not r.tenant
}

_tenant(name) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": {"name": name},
	"spec": {"environment": "staging"},
}

test_manifest_review_finds_tenant_with_explicit_namespace if {
	custom := object.union(_tenant("billing"), {"spec": {"namespace": "payments"}})
	app := object.union(_pinned, {"spec": {"destination": {"namespace": "payments"}}})
	r := main.manifest_review(app) with data.tenantguard.tenants as {"billing": custom, "shop": _tenant("shop")}
	r.tenant.metadata.name == "billing"
}

test_manifest_review_ignores_tenant_whose_namespace_was_renamed if {
	custom := object.union(_tenant("billing"), {"spec": {"namespace": "payments"}})
	app := object.union(_pinned, {"spec": {"destination": {"namespace": "tenant-billing"}}})
	r := main.manifest_review(app) with data.tenantguard.tenants as {"billing": custom}
	not r.tenant
}
