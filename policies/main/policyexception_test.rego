package tenantguard.main_test

import data.tenantguard.main

# _everything_wrong is an exception that breaks each rule on exceptions.
_everything_wrong := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "PolicyException",
	"metadata": {"name": "waive-all"},
	"spec": {"rules": ["*"], "match": {"kind": "Deployment"}, "reason": "because", "requestedBy": "mallory"},
}

_exception_rules := {"exception-expiry", "exception-rules", "exception-too-wide", "exception-match-kind"}

test_an_exception_is_judged_by_the_rules_on_exceptions_alone if {
	review := main.manifest_review(_everything_wrong)
	{v.rule | some v in main.policyexception_violations with input as review} == _exception_rules
	{v.rule | some v in main.violations with input as review} == _exception_rules
	{v.rule | some v in main.deny with input as review} == _exception_rules
}

test_the_rules_on_exceptions_judge_no_application if {
	count(main.policyexception_violations) == 0 with input as main.manifest_review(_pinned)
}
