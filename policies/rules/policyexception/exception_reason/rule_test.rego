package tenantguard.rules.policyexception.exception_reason_test

import data.tenantguard.rules.policyexception.exception_reason as rule

_exception(spec) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "PolicyException",
	"metadata": {"name": "inc-4211"},
	"spec": object.union(
		{
			"rules": ["app-pinned-revision"],
			"match": {"kind": "Application", "names": ["shop"]},
			"expires": "2026-12-06T16:00:00Z",
		},
		spec,
	),
}

_review(spec) := {"operation": "CREATE", "object": _exception(spec)}

test_a_reason_and_a_requester_are_enough if {
	count(rule.violation) == 0 with input as _review({"reason": "INC-4211", "requestedBy": "alice"})
}

test_a_missing_reason_is_refused_naming_the_field if {
	[v] := [v | some v in rule.violation with input as _review({"requestedBy": "alice"})]
	v.rule == "exception-reason"
	v.field == "spec.reason"
	v.msg == concat("", [
		"PolicyException inc-4211: spec.reason is missing; ",
		"write why the rules are waived, such as the incident",
	])
}

test_a_blank_requester_is_refused if {
	[v] := [v | some v in rule.violation with input as _review({"reason": "INC-4211", "requestedBy": "  "})]
	v.field == "spec.requestedBy"
	v.msg == "PolicyException inc-4211: spec.requestedBy is blank; write who asked"
}

test_a_reason_that_is_not_text_is_refused if {
	[v] := [v | some v in rule.violation with input as _review({"reason": 4211, "requestedBy": "alice"})]
	v.field == "spec.reason"
	contains(v.msg, "spec.reason is 4211, not text")
}

test_other_kinds_are_not_judged if {
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": {"kind": "Tenant", "spec": {}}}
}
