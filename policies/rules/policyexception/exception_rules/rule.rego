# METADATA
# title: PolicyExceptions waive named rules that may be waived
# description: |
#   spec.rules names each rule the exception waives by its id, as
#   `tenantguard rules` lists them: never every rule ("*", "all" or a
#   pattern), never an id no rule has (a typo would waive nothing and hide
#   it), never a rule the cluster config lists in exceptions.neverWaivable
#   (tenant-production-delete by default), never a rule on change sets
#   (change-*, which judge pull requests, not objects) or on PolicyExceptions
#   themselves, and never a rule of another kind of object than
#   spec.match.kind, which would waive nothing.
# custom:
#   id: exception-rules
#   enforcement: deny
#   reads:
#     - spec.rules
#     - spec.match.kind
package tenantguard.rules.policyexception.exception_rules

import data.tenantguard.lib
import data.tenantguard.lib.config.config
import data.tenantguard.lib.exceptions
import data.tenantguard.lib.ruleids

violation contains v if {
	exceptions.is_exception(input.object)
	not _listed
	msg := sprintf(
		"%s: spec.rules must list the ids of the rules the exception waives (it is %s); %s",
		[exceptions.display_name(input.object), lib.show(_rules), _hint],
	)
	v := lib.violation(rego.metadata.chain(), "spec.rules", _rules, msg)
}

violation contains v if {
	exceptions.is_exception(input.object)
	some i, rule in _rules
	problem := _problem(rule)
	field := sprintf("spec.rules[%d]", [i])
	msg := sprintf("%s: %s %s %s", [exceptions.display_name(input.object), field, lib.quote(rule), problem])
	v := lib.violation(rego.metadata.chain(), field, rule, msg)
}

# _rules is spec.rules as written; null when it is missing.
_rules := object.get(exceptions.spec(input.object), "rules", null)

_listed if {
	is_array(_rules)
	count(_rules) > 0
}

_hint := "name each rule by its id, such as app-pinned-revision; `tenantguard rules` lists them"

# _problem says what is wrong with one entry of spec.rules, and the fix;
# undefined for a rule the exception may waive.
_problem(rule) := sprintf("is not a rule id; %s", [_hint]) if {
	not is_string(rule)
} else := sprintf("would waive every rule, which no exception may; %s", [_hint]) if {
	_every_rule(rule)
} else := sprintf("is no rule tenantguard knows; %s", [_hint]) if {
	not ruleids.judges[rule]
} else := "judges change sets of the platform repository, not objects, and no exception waives it; remove it" if {
	ruleids.judges[rule] == "change"
} else := "judges PolicyExceptions themselves, and no exception waives it; remove it" if {
	ruleids.judges[rule] == "policyexception"
} else := "is never waivable in this cluster (exceptions.neverWaivable); remove it" if {
	rule in config.exceptions.neverWaivable
} else := msg if {
	kind := _kinds[ruleids.judges[rule]]
	match_kind := exceptions.match(input.object).kind
	is_string(match_kind)
	match_kind != kind
	msg := sprintf(
		"judges %ss, but spec.match.kind is %s, so it would waive nothing; write an exception of kind %s for it",
		[kind, lib.quote(match_kind), kind],
	)
}

_every_rule(rule) if lower(trim_space(rule)) in {"all", "any", "every"}

_every_rule(rule) if regex.match(`[*?\[]`, rule)

# _kinds are the kinds of object the rules of each package kind judge.
_kinds := {"application": "Application", "applicationset": "ApplicationSet", "tenant": "Tenant"}
