package tenantguard.rules.policyexception.exception_too_wide_test

import data.tenantguard.rules.policyexception.exception_too_wide as rule

_exception(match) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "PolicyException",
	"metadata": {"name": "inc-4211"},
	"spec": {
		"rules": ["app-pinned-revision"],
		"match": match,
		"reason": "INC-4211",
		"requestedBy": "alice",
		"expires": "2026-12-06T16:00:00Z",
	},
}

_review(match) := {"operation": "CREATE", "object": _exception(match)}

test_a_match_naming_objects_or_a_tenant_is_allowed if {
	count(rule.violation) == 0 with input as _review({"kind": "Application", "namespace": "argocd", "names": ["shop"]})
	count(rule.violation) == 0 with input as _review({"kind": "Application", "tenant": "shop"})
	count(rule.violation) == 0 with input as _review({"kind": "Tenant", "names": ["shop"]})
}

test_a_match_of_a_kind_alone_is_refused if {
	m := {"kind": "Application"}
	[v] := [v | some v in rule.violation with input as _review(m)]
	v.rule == "exception-too-wide"
	v.field == "spec.match"
	v.value == m
	v.msg == concat("", [
		"PolicyException inc-4211: spec.match names neither objects nor a tenant, so it covers every Application ",
		"in every namespace; name the objects in spec.match.names or their tenant in spec.match.tenant ",
		"(a cluster allows wide matches only with exceptions.allowWideMatch)",
	])
}

test_a_match_of_a_namespace_is_refused if {
	some v in rule.violation with input as _review({"kind": "Application", "namespace": "argocd"})
	contains(v.msg, "covers every Application in namespace argocd")
}

test_empty_names_and_tenant_are_refused if {
	count(rule.violation) == 1 with input as _review({"kind": "Application", "names": [], "tenant": ""})
	count(rule.violation) == 1 with input as _review({"kind": "Application", "names": null, "tenant": null})
}

test_a_missing_match_is_refused if {
	bare := json.remove(_exception({}), ["spec/match"])
	some v in rule.violation with input as {"operation": "CREATE", "object": bare}
	contains(v.msg, "covers every object in every namespace")
}

test_the_config_may_allow_wide_matches if {
	cfg := {"exceptions": {"allowWideMatch": true}}
	count(rule.violation) == 0 with input as _review({"kind": "Application"}) with data.tenantguard.config as cfg
}

test_other_kinds_are_ignored if {
	tenant := object.union(_exception({"kind": "Application"}), {"kind": "Tenant"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": tenant}
}
