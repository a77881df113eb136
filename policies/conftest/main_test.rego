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

_staging_tenant := {
	"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant",
	"metadata": {"name": "shop"}, "spec": {"environment": "staging"},
}

_tracked(labels, path) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd", "labels": labels},
	"spec": {
		"project": "tenant-shop",
		"source": {"repoURL": "https://git.example.com/p.git", "path": path, "targetRevision": "HEAD"},
		"destination": {"server": "https://kubernetes.default.svc", "namespace": "tenant-shop"},
		"syncPolicy": {"automated": {"selfHeal": true}},
	},
}

_rules(documents) := {v.rule | some v in main.violation with input as [{"path": "all.yaml", "contents": documents}]}

test_empty_tenant_label_finds_the_tenant_by_namespace_and_refuses_production if {
	app := _tracked({"tenantguard.io/tenant": ""}, "production/shop")
	_rules([_staging_tenant, app]) == {"app-environment-path"}
	some v in main.violation with input as [{"path": "all.yaml", "contents": [_staging_tenant, app]}]
	startswith(v.msg, `[app-environment-path] Application argocd/shop: spec.source.path "production/shop" reads "production/shop", outside the staging directory "staging"`)
}

test_production_label_on_a_staging_tenants_application_is_refused if {
	app := _tracked({"tenantguard.io/tenant": "shop", "tenantguard.io/environment": "production"}, "production/shop")
	fields := {v.field | some v in main.violation with input as [{"path": "all.yaml", "contents": [_staging_tenant, app]}]}
	fields == {`metadata.labels["tenantguard.io/environment"]`, "spec.source.path"}
	_rules([_staging_tenant, app]) == {"app-environment-path"}
}

test_the_staging_application_of_a_staging_tenant_is_clean if {
	app := _tracked({"tenantguard.io/tenant": "shop", "tenantguard.io/environment": "staging"}, "staging/shop")
	_rules([_staging_tenant, app]) == set()
}

test_two_tenants_on_one_namespace_give_a_tenant_namespace_finding if {
	a := object.union(_staging_tenant, {"metadata": {"name": "a"}, "spec": {"namespace": "shared"}})
	b := object.union(_staging_tenant, {"metadata": {"name": "b"}, "spec": {"namespace": "shared"}})
	findings := {[v.rule, v.value] | some v in main.violation with input as [{"path": "t.yaml", "contents": [a, b]}]}
	findings == {["tenant-namespace", "shared"]}
	count(main.violation) == 2 with input as [{"path": "t.yaml", "contents": [a, b]}]
}

test_tenant_documents_without_a_name_are_not_tenants if {
	unnamed := json.remove(_staging_tenant, ["metadata/name"])
	numbered := object.union(_staging_tenant, {"metadata": {"name": 7}})
	main._tenants == {} with input as [{"path": "t.yaml", "contents": [unnamed, numbered]}]
}

test_data_tenants_give_context_without_combine if {
	app := _tracked({}, "production/shop")
	rules := {v.rule | some v in main.violation with input as app with data.tenantguard.tenants as {"shop": _staging_tenant}}
	rules == {"app-environment-path"}
}

test_documents_in_excluded_namespaces_are_left_alone if {
	excluded := json.patch(_pinned, [{"op": "add", "path": "/metadata/namespace", "value": "kube-system"}])
	count(main.violation) == 0 with input as excluded
	count(main.violation) == 1 with input as excluded with data.tenantguard.config.excludedNamespaces as []
}

_appset(generators) := {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
	"metadata": {"name": "shop-set", "namespace": "argocd", "labels": {"tenantguard.io/tenant": "shop"}},
	"spec": {"generators": generators, "template": {
		"metadata": {"name": "shop-{{c}}", "labels": {"tenantguard.io/tenant": "shop"}},
		"spec": {
			"project": "tenant-shop",
			"destination": {"server": "https://kubernetes.default.svc", "namespace": "tenant-shop"},
			"source": {"repoURL": "https://git.example.com/p.git", "path": "{{p}}", "targetRevision": "HEAD"},
		},
	}},
}

_staging_shop := {"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": {"name": "shop"}, "spec": {"environment": "staging"}}

test_an_applicationset_is_judged_by_the_applications_it_generates if {
	appset := _appset([{"list": {"elements": [{"c": "a", "p": "staging/a"}, {"c": "b", "p": "production/b"}]}}])
	combined := [{"path": "all.yaml", "contents": [_staging_shop, appset]}]
	found := {v.rule: v | some v in main.violation with input as combined}
	found["app-environment-path"].field == "spec.template.spec.source.path"
	startswith(found["app-environment-path"].msg, "[app-environment-path] ApplicationSet argocd/shop-set: spec.generators[0].list.elements[1] → spec.template.spec.source.path: Application argocd/shop-b: ")
}

test_an_opaque_generators_template_is_judged_without_its_templated_fields if {
	git := _appset([{"git": {"repoURL": "https://git.example.com/p.git", "directories": [{"path": "staging/*"}]}}])
	appset := json.patch(git, [{"op": "replace", "path": "/spec/template/spec/source/path", "value": "{{path}}"}])
	combined := [{"path": "all.yaml", "contents": [_staging_shop, appset]}]
	count(main.violation) == 0 with input as combined
	bad := json.patch(appset, [{"op": "replace", "path": "/spec/template/spec/project", "value": "default"}])
	{v.rule | some v in main.violation} == {"app-project"} with input as [{"path": "all.yaml", "contents": [_staging_shop, bad]}]
}

# A PolicyException for app-pinned-revision on _pinned (argocd/shop) until noon.
_hold(name, names) := {
	"apiVersion": "tenantguard.io/v1alpha1", "kind": "PolicyException",
	"metadata": {"name": name},
	"spec": {
		"rules": ["app-pinned-revision"],
		"match": {"kind": "Application", "namespace": "argocd", "names": names},
		"reason": "INC-4211", "requestedBy": "alice", "expires": "2026-12-06T12:00:00Z",
	},
}

test_an_exception_among_the_documents_turns_a_violation_into_a_waived_warning if {
	combined := [{"path": "all.yaml", "contents": [_pinned, _hold("inc-4211", ["shop"])]}]
	count({v | some v in main.violation; v.rule == "app-pinned-revision"}) == 0 with input as combined
		with data.tenantguard.now as "2026-12-06T11:59:59Z"
	some w in main.warn with input as combined with data.tenantguard.now as "2026-12-06T11:59:59Z"
	w.rule == "app-pinned-revision"
	w.waivedBy.name == "inc-4211"
	startswith(w.msg, "[app-pinned-revision] Application argocd/shop: ")
	endswith(w.msg, " (waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)")
}

test_an_expired_exception_waives_nothing if {
	combined := [{"path": "all.yaml", "contents": [_pinned, _hold("inc-4211", ["shop"])]}]
	some v in main.violation with input as combined with data.tenantguard.now as "2026-12-06T12:00:00Z"
	v.rule == "app-pinned-revision"
	not v.waivedBy
	count(main.warn) == 0 with input as combined with data.tenantguard.now as "2026-12-06T12:00:00Z"
}

test_an_exception_for_another_application_waives_nothing if {
	combined := [{"path": "all.yaml", "contents": [_pinned, _hold("inc-9", ["cart"])]}]
	rules := {v.rule | some v in main.violation} with input as combined
		with data.tenantguard.now as "2026-12-06T11:00:00Z"
	rules == {"app-pinned-revision"}
}

test_data_exceptions_waive_without_combine if {
	count(main.violation) == 0 with input as _pinned
		with data.tenantguard.exceptions as [_hold("inc-4211", ["shop"])]
		with data.tenantguard.now as "2026-12-06T11:00:00Z"
	count(main.warn) == 1 with input as _pinned
		with data.tenantguard.exceptions as [_hold("inc-4211", ["shop"])]
		with data.tenantguard.now as "2026-12-06T11:00:00Z"
}

test_without_data_now_the_clock_is_conftests_own if {
	# At the fixed instant the exception is in force; at the time conftest
	# runs (mocked to after the expiry) it is not.
	count(main.violation) == 1 with input as _pinned
		with data.tenantguard.exceptions as [_hold("inc-4211", ["shop"])]
		with time.now_ns as 1796558400000000000
	main._now == "2026-12-06T11:00:00Z" with time.now_ns as 1796554800000000000
	main._now == "2030-01-01T00:00:00Z" with data.tenantguard.now as "2030-01-01T00:00:00Z"
}

test_the_first_exception_of_a_name_counts_documents_before_data if {
	in_document := _hold("inc-4211", ["shop"])
	in_data := json.patch(in_document, [{"op": "replace", "path": "/spec/expires", "value": "2030-01-01T00:00:00Z"}])
	twice := json.patch(in_document, [{"op": "replace", "path": "/spec/reason", "value": "again"}])
	unnamed := json.remove(in_document, ["metadata/name"])
	combined := [{"path": "all.yaml", "contents": [_pinned, in_document, twice, unnamed]}]
	main._exceptions == [in_document] with input as combined with data.tenantguard.exceptions as [in_data]
}
