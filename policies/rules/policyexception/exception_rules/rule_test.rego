package tenantguard.rules.policyexception.exception_rules_test

import data.tenantguard.rules.policyexception.exception_rules as rule

_exception(rules, kind) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "PolicyException",
	"metadata": {"name": "inc-4211"},
	"spec": {
		"rules": rules,
		"match": {"kind": kind, "namespace": "argocd", "names": ["shop"]},
		"reason": "INC-4211",
		"requestedBy": "alice",
		"expires": "2026-12-06T16:00:00Z",
	},
}

_review(rules) := {"operation": "CREATE", "object": _exception(rules, "Application")}

_refused(rules) := {[v.field, v.value] | some v in rule.violation with input as _review(rules)}

_msg(rules) := v.msg if {
	some v in rule.violation with input as _review(rules)
}

test_rules_of_the_matched_kind_are_allowed if {
	count(rule.violation) == 0 with input as _review(["app-pinned-revision", "app-repo-allowed"])
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": _exception(["tenant-arch"], "Tenant")}
	appset := _exception(["appset-templated-path"], "ApplicationSet")
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": appset}
}

test_an_unknown_rule_is_refused_naming_its_entry if {
	_refused(["app-pinned-revision", "app-pinned-revison"]) == {["spec.rules[1]", "app-pinned-revison"]}
	_msg(["app-pinned-revison"]) == concat("", [
		`PolicyException inc-4211: spec.rules[0] "app-pinned-revison" is no rule tenantguard knows; `,
		"name each rule by its id, such as app-pinned-revision; `tenantguard rules` lists them",
	])
}

test_every_rule_is_refused_in_any_spelling if {
	_refused(["*"]) == {["spec.rules[0]", "*"]}
	_refused(["all"]) == {["spec.rules[0]", "all"]}
	_refused([" ALL "]) == {["spec.rules[0]", " ALL "]}
	_refused(["app-*"]) == {["spec.rules[0]", "app-*"]}
	contains(_msg(["*"]), `spec.rules[0] "*" would waive every rule, which no exception may`)
}

test_a_change_set_rule_is_refused if {
	_refused(["change-protected-file"]) == {["spec.rules[0]", "change-protected-file"]}
	contains(_msg(["change-protected-file"]), "judges change sets of the platform repository, not objects")
}

test_a_rule_on_exceptions_is_refused if {
	_refused(["exception-expiry"]) == {["spec.rules[0]", "exception-expiry"]}
	contains(_msg(["exception-approver"]), "judges PolicyExceptions themselves")
}

test_a_never_waivable_rule_is_refused if {
	review := {"operation": "CREATE", "object": _exception(["tenant-production-delete"], "Tenant")}
	{v.field | some v in rule.violation with input as review} == {"spec.rules[0]"}
	some v in rule.violation with input as review
	contains(v.msg, "is never waivable in this cluster (exceptions.neverWaivable)")
}

test_the_config_names_the_rules_never_waived if {
	cfg := {"exceptions": {"neverWaivable": ["app-repo-allowed"]}}
	count(rule.violation) == 1 with input as _review(["app-repo-allowed"]) with data.tenantguard.config as cfg
	count(rule.violation) == 0 with input as _review(["app-pinned-revision"]) with data.tenantguard.config as cfg
}

test_a_rule_of_another_kind_is_refused if {
	_refused(["tenant-arch"]) == {["spec.rules[0]", "tenant-arch"]}
	_msg(["tenant-arch"]) == concat("", [
		`PolicyException inc-4211: spec.rules[0] "tenant-arch" judges Tenants, but spec.match.kind is "Application", `,
		"so it would waive nothing; write an exception of kind Tenant for it",
	])
}

test_missing_or_empty_rules_are_refused if {
	_refused([]) == {["spec.rules", []]}
	bare := json.remove(_exception([], "Application"), ["spec/rules"])
	{v.field | some v in rule.violation with input as {"operation": "CREATE", "object": bare}} == {"spec.rules"}
	contains(_msg("app-pinned-revision"), `spec.rules must list the ids of the rules the exception waives (it is app-pinned-revision)`)
}

test_an_entry_that_is_not_a_string_is_refused if {
	_refused([7]) == {["spec.rules[0]", 7]}
}

test_other_kinds_are_ignored if {
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": object.union(_exception(["*"], "Tenant"), {"kind": "Tenant"})}
}
