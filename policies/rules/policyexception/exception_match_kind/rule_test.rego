package tenantguard.rules.policyexception.exception_match_kind_test

import data.tenantguard.rules.policyexception.exception_match_kind as rule

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

test_the_kinds_tenantguard_judges_are_allowed if {
	every kind in ["Application", "ApplicationSet", "Tenant"] {
		count(rule.violation) == 0 with input as _review({"kind": kind, "names": ["shop"]})
	}
}

test_another_kind_is_refused_naming_the_kinds_allowed if {
	[v] := [v | some v in rule.violation with input as _review({"kind": "Deployment", "names": ["shop"]})]
	v.rule == "exception-match-kind"
	v.field == "spec.match.kind"
	v.value == "Deployment"
	v.msg == concat("", [
		`PolicyException inc-4211: spec.match.kind is "Deployment", which no exception can match; `,
		"set it to Application, ApplicationSet, Tenant",
	])
}

test_a_kind_in_another_case_is_refused if {
	count(rule.violation) == 1 with input as _review({"kind": "application", "names": ["shop"]})
}

test_a_missing_kind_is_refused if {
	some v in rule.violation with input as _review({"names": ["shop"]})
	contains(v.msg, "spec.match.kind is missing")
	bare := json.remove(_exception({}), ["spec/match"])
	count(rule.violation) == 1 with input as {"operation": "CREATE", "object": bare}
}

test_other_kinds_of_object_are_ignored if {
	tenant := object.union(_exception({"kind": "Deployment"}), {"kind": "Tenant"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": tenant}
}
