package tenantguard.rules.policyexception.exception_approver_test

import data.tenantguard.rules.policyexception.exception_approver as rule

_exception(approved_by) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "PolicyException",
	"metadata": {"name": "inc-4211"},
	"spec": {
		"rules": ["app-pinned-revision"],
		"match": {"kind": "Application", "namespace": "argocd", "names": ["shop"]},
		"reason": "INC-4211",
		"requestedBy": "alice",
		"expires": "2026-12-06T16:00:00Z",
		"approvedBy": approved_by,
	},
}

_by(user, groups) := {
	"operation": "CREATE",
	"object": _exception(user),
	"userInfo": {"username": user, "uid": "", "groups": groups},
}

_config := {"exceptions": {"approvers": ["oncall-lead"], "approverGroups": ["platform-approvers"]}}

_refused(review) := {[v.field, v.value] | some v in rule.violation with input as review with data.tenantguard.config as _config}

test_an_approver_by_name_or_group_is_allowed if {
	_refused(_by("oncall-lead", ["system:authenticated"])) == set()
	_refused(_by("bob", ["system:authenticated", "platform-approvers"])) == set()
}

test_anyone_else_is_refused_naming_the_user if {
	review := _by("mallory", ["system:authenticated", "developers"])
	_refused(review) == {["userInfo.username", "mallory"]}
	[v] := [v | some v in rule.violation with input as review with data.tenantguard.config as _config]
	v.rule == "exception-approver"
	v.msg == concat("", [
		`PolicyException inc-4211: "mallory" is not an exception approver (exceptions.approvers, or a group of `,
		"exceptions.approverGroups), so may not create it; ask an approver to, or have the cluster config name you",
	])
}

test_a_change_by_anyone_else_is_refused_as_a_change if {
	review := object.union(_by("mallory", []), {"operation": "UPDATE", "oldObject": _exception("oncall-lead")})
	some v in rule.violation with input as review with data.tenantguard.config as _config
	contains(v.msg, "so may not change it")
}

test_by_default_no_one_is_an_approver if {
	{v.field | some v in rule.violation with input as _by("cluster-admin", ["system:masters"])} == {"userInfo.username"}
}

test_an_approver_other_than_the_user_is_refused if {
	review := object.union(_by("oncall-lead", []), {"object": _exception("the-cto")})
	_refused(review) == {["spec.approvedBy", "the-cto"]}
	some v in rule.violation with input as review with data.tenantguard.config as _config
	contains(v.msg, `spec.approvedBy is "the-cto", but the request comes from "oncall-lead"`)
	contains(v.msg, "covers policyexceptions")
}

test_a_missing_approver_at_admission_is_refused if {
	review := json.remove(_by("oncall-lead", []), ["object/spec/approvedBy"])
	_refused(review) == {["spec.approvedBy", null]}
}

test_outside_admission_nothing_is_said if {
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": _exception("the-cto"), "userInfo": {}}
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": _exception("the-cto")}
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": _exception(""), "userInfo": {"username": ""}}
}

test_other_kinds_are_ignored if {
	review := object.union(_by("mallory", []), {"object": {"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant"}})
	count(rule.violation) == 0 with input as review
}
