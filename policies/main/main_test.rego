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

# The entry point of a kind asks that kind's rules (and the rules of any
# kind): it answers what violations answers for an object of that kind.
test_application_entry_point_answers_as_violations if {
	review := main.manifest_review(_pinned)
	repos := ["https://git.example.com/other.git"]
	findings := main.application_violations with input as review with data.tenantguard.config.allowedRepos as repos
	{v.rule | some v in findings} == {"app-pinned-revision", "app-repo-allowed"}
	findings == main.violations with input as review with data.tenantguard.config.allowedRepos as repos
}

test_tenant_entry_point_answers_as_violations if {
	review := main.manifest_review(object.union(_tenant("Shop"), {"spec": {"arch": "s390x"}}))
	findings := main.tenant_violations with input as review
	{v.rule | some v in findings} == {"tenant-arch", "tenant-name"}
	findings == main.violations with input as review
}

test_applicationset_entry_point_answers_as_violations if {
	appset := {
		"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
		"metadata": {"name": "shop", "namespace": "argocd"},
		"spec": {"generators": [{"git": {}}], "template": {"spec": {"project": "{{p}}"}}},
	}
	team := {{"rule": "team", "msg": "m", "enforcement": "warn"}}
	findings := main.applicationset_violations with input as {"object": appset} with data.tenantguard.rules.team.violation as team
	{v.rule | some v in findings} == {"appset-templated-project", "team"}
	findings == main.violations with input as {"object": appset} with data.tenantguard.rules.team.violation as team
}

test_an_application_rule_is_not_asked_about_a_tenant if {
	count(main.tenant_violations) == 0 with input as main.manifest_review(_tenant("shop"))
		with data.tenantguard.rules.application.always.violation as {{"rule": "always", "msg": "m", "enforcement": "deny"}}
}

test_a_rule_of_any_kind_is_asked_about_every_kind if {
	team := {{"rule": "team", "msg": "m", "enforcement": "warn"}}
	app := main.manifest_review(_pinned)
	tenant := main.manifest_review(_tenant("shop"))
	"team" in {v.rule | some v in main.application_violations} with input as app with data.tenantguard.rules.team.violation as team
	"team" in {v.rule | some v in main.tenant_violations} with input as tenant with data.tenantguard.rules.team.violation as team
	"team" in {v.rule | some v in main.violations} with input as tenant with data.tenantguard.rules.team.violation as team
}

test_manifest_review_is_a_create if {
	r := main.manifest_review(_pinned)
	r.operation == "CREATE"
	r.object == _pinned
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

# tenantLookup, input.tenant and namespaceClaims, as the webhook builds them

_app(labels, namespace) := object.union(_pinned, {"metadata": {"labels": labels}, "spec": {"destination": {"namespace": namespace}}})

_shared(name) := object.union(_tenant(name), {"spec": {"namespace": "shared"}})

test_lookup_by_label_finds_the_labelled_tenant if {
	tenants := {"billing": _tenant("billing"), "shop": _tenant("shop")}
	r := main.manifest_review(_app({"tenantguard.io/tenant": "shop"}, "tenant-billing")) with data.tenantguard.tenants as tenants
	r.tenantLookup == {"label": "shop", "namespace": "tenant-billing", "matches": ["shop"]}
	r.tenant == _tenant("shop")
}

test_lookup_by_a_label_naming_no_tenant_finds_none if {
	r := main.manifest_review(_app({"tenantguard.io/tenant": "ghost"}, "tenant-shop")) with data.tenantguard.tenants as {"shop": _tenant("shop")}
	r.tenantLookup == {"label": "ghost", "namespace": "tenant-shop", "matches": []}
	not r.tenant
}

test_an_empty_label_counts_as_absent if {
	r := main.manifest_review(_app({"tenantguard.io/tenant": ""}, "tenant-shop")) with data.tenantguard.tenants as {"shop": _tenant("shop")}
	r.tenantLookup == {"label": "", "namespace": "tenant-shop", "matches": ["shop"]}
	r.tenant == _tenant("shop")
}

test_a_non_string_label_or_namespace_counts_as_absent if {
	r := main.manifest_review(_app({"tenantguard.io/tenant": 7}, ["tenant-shop"])) with data.tenantguard.tenants as {"shop": _tenant("shop")}
	r.tenantLookup == {"label": "", "namespace": "", "matches": []}
	not r.tenant
}

test_lookup_by_namespace_finds_every_owner if {
	tenants := {"b": _shared("b"), "a": _shared("a"), "c": _tenant("c")}
	r := main.manifest_review(_app({}, "shared")) with data.tenantguard.tenants as tenants
	r.tenantLookup == {"label": "", "namespace": "shared", "matches": ["a", "b"]}
	not r.tenant
}

test_lookup_without_tenants_finds_none if {
	r := main.manifest_review(_pinned)
	r.tenantLookup == {"label": "", "namespace": "", "matches": []}
}

test_tenant_manifest_gets_the_other_tenants_claiming_its_namespace if {
	tenants := {"a": _shared("a"), "b": _shared("b"), "c": _shared("c"), "d": _tenant("d")}
	r := main.manifest_review(_shared("b")) with data.tenantguard.tenants as tenants
	r.namespaceClaims == ["a", "c"]
	not r.tenantLookup
	not r.tenant
}

test_tenant_manifest_with_its_own_namespace_has_no_claims if {
	r := main.manifest_review(_tenant("d")) with data.tenantguard.tenants as {"d": _tenant("d"), "a": _shared("a")}
	r.namespaceClaims == []
}

test_other_kinds_get_no_tenant_context if {
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "labels": {"tenantguard.io/tenant": "shop"}}}
	main.manifest_review(cm) == {"operation": "CREATE", "object": cm, "userInfo": {}, "exceptions": []}
}

test_two_tenants_on_one_namespace_are_a_finding_not_an_error if {
	tenants := {"a": _shared("a"), "b": _shared("b")}
	tenant_review := main.manifest_review(_shared("a")) with data.tenantguard.tenants as tenants
	{v.rule | some v in main.violations} == {"tenant-namespace"} with input as tenant_review
	app_review := main.manifest_review(_app({}, "shared")) with data.tenantguard.tenants as tenants
	"app-tenant-destination" in {v.rule | some v in main.violations} with input as app_review
}

test_lookup_by_namespace_without_tenants_finds_none if {
	r := main.manifest_review(_app({}, "tenant-shop"))
	r.tenantLookup == {"label": "", "namespace": "tenant-shop", "matches": []}
}

# The change-set entry point asks only the rules under tenantguard.rules.change,
# with the config's enforcement, and the object entry points never ask them.
test_change_entry_point_asks_only_the_change_rules if {
	change_set := {"kind": "ChangeSet", "actor": "alice", "files": [{"path": "staging/values-images.yaml", "status": "added", "environment": "staging"}]}
	findings := main.change_violations with input as change_set with data.tenantguard.config.enforcement as {"change-protected-file": "warn"}
	{[v.rule, v.enforcement] | some v in findings} == {["change-protected-file", "warn"]}
	count(main.violations) == 0 with input as change_set
}
