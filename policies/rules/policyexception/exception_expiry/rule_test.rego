package tenantguard.rules.policyexception.exception_expiry_test

import data.tenantguard.rules.policyexception.exception_expiry as rule

_now := "2026-12-06T12:00:00Z"

_exception(spec) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "PolicyException",
	"metadata": {"name": "inc-4211"},
	"spec": object.union(
		{"rules": ["app-pinned-revision"], "reason": "INC-4211", "requestedBy": "alice"},
		spec,
	),
}

_review(spec) := {"operation": "CREATE", "object": _exception(spec), "now": _now}

_msgs(review) := {v.msg | some v in rule.violation with input as review}

_refused(review) := {[v.rule, v.field, v.value] | some v in rule.violation with input as review}

test_an_expiry_within_the_week_is_allowed if {
	count(rule.violation) == 0 with input as _review({"expires": "2026-12-06T16:00:00Z"})
	count(rule.violation) == 0 with input as _review({"expires": "2026-12-13T12:00:00Z"})
}

test_a_missing_expiry_is_refused_with_or_without_a_clock if {
	_refused(_review({})) == {["exception-expiry", "spec.expires", null]}
	_refused({"operation": "CREATE", "object": _exception({})}) == {["exception-expiry", "spec.expires", null]}
	_refused(_review({"expires": ""})) == {["exception-expiry", "spec.expires", ""]}
	_refused(_review({"expires": null})) == {["exception-expiry", "spec.expires", null]}
}

test_a_missing_expiry_names_the_field_the_bound_and_an_example if {
	_msgs(_review({})) == {concat("", [
		"PolicyException inc-4211: spec.expires is missing, and every exception expires; ",
		"set it to a time at most 168h0m0s after now, such as 2026-12-06T13:00:00Z",
	])}
}

test_an_unreadable_expiry_is_refused if {
	_refused(_review({"expires": "next friday"})) == {["exception-expiry", "spec.expires", "next friday"]}
	_refused(_review({"expires": 1765022400})) == {["exception-expiry", "spec.expires", 1765022400]}
	some msg in _msgs(_review({"expires": "next friday"}))
	contains(msg, `spec.expires "next friday" is not an RFC 3339 time`)
}

test_an_expiry_in_the_past_or_now_is_refused if {
	_refused(_review({"expires": "2026-12-06T11:00:00Z"})) == {["exception-expiry", "spec.expires", "2026-12-06T11:00:00Z"]}
	_refused(_review({"expires": _now})) == {["exception-expiry", "spec.expires", _now]}
	some msg in _msgs(_review({"expires": "2026-12-06T11:00:00Z"}))
	contains(msg, `spec.expires "2026-12-06T11:00:00Z" is not after the time of this request (2026-12-06T12:00:00Z)`)
}

test_an_expiry_of_thirty_days_is_refused_naming_the_latest_allowed if {
	review := _review({"expires": "2027-01-05T12:00:00Z"})
	_refused(review) == {["exception-expiry", "spec.expires", "2027-01-05T12:00:00Z"]}
	_msgs(review) == {concat("", [
		`PolicyException inc-4211: spec.expires "2027-01-05T12:00:00Z" lies more than 168h0m0s `,
		"(exceptions.maxDuration) after the time of this request (2026-12-06T12:00:00Z); ",
		"set it to 2026-12-13T12:00:00Z at the latest, and write a new exception when that one expires",
	])}
}

test_a_clock_with_fractions_of_a_second_suggests_whole_times if {
	review := {"operation": "CREATE", "object": _exception({"expires": "2027-01-05T12:00:00Z"}), "now": "2026-12-06T12:34:56.789Z"}
	some msg in _msgs(review)
	contains(msg, "set it to 2026-12-13T12:34:56Z at the latest")
	some missing in _msgs(json.remove(review, ["object/spec/expires"]))
	endswith(missing, "such as 2026-12-06T13:34:00Z")
}

test_a_fraction_of_a_second_is_refused_with_or_without_a_clock if {
	expires := "2026-12-06T16:00:00.5Z"
	_refused(_review({"expires": expires})) == {["exception-expiry", "spec.expires", expires]}
	_refused({"operation": "CREATE", "object": _exception({"expires": expires})}) == {["exception-expiry", "spec.expires", expires]}
	_msgs(_review({"expires": "2026-12-06T17:00:00.25+01:00"})) == {concat("", [
		`PolicyException inc-4211: spec.expires "2026-12-06T17:00:00.25+01:00" has a fraction of a second, `,
		"which not every reader keeps; write it to the whole second, such as 2026-12-06T16:00:00Z",
	])}
	count(rule.violation) == 0 with input as _review({"expires": "2026-12-06T17:00:00+01:00"})
	count(rule.violation) == 0 with input as _review({"expires": "2026-12-06T16:00:00.000Z"})
}

test_one_second_past_the_bound_is_refused if {
	count(rule.violation) == 1 with input as _review({"expires": "2026-12-13T12:00:01Z"})
}

test_without_a_clock_only_a_missing_expiry_is_refused if {
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": _exception({"expires": "2020-01-01T00:00:00Z"})}
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": _exception({"expires": "2099-01-01T00:00:00Z"})}
}

test_an_update_is_judged_against_its_own_time if {
	old := _exception({"expires": "2026-12-06T16:00:00Z"})
	extended := {"operation": "UPDATE", "oldObject": old, "object": _exception({"expires": "2026-12-20T12:00:00Z"}), "now": _now}
	count(rule.violation) == 1 with input as extended
	kept := {"operation": "UPDATE", "oldObject": old, "object": _exception({"expires": "2026-12-10T12:00:00Z"}), "now": _now}
	count(rule.violation) == 0 with input as kept
}

test_the_config_sets_the_bound if {
	review := _review({"expires": "2026-12-07T12:00:00Z"})
	count(rule.violation) == 1 with input as review with data.tenantguard.config as {"exceptions": {"maxDuration": "4h"}}
	count(rule.violation) == 0 with input as review with data.tenantguard.config as {"exceptions": {"maxDuration": "48h"}}
}

test_a_rules_own_duration_lowers_the_bound_and_is_named if {
	cfg := {"exceptions": {"maxDurationByRule": {"app-pinned-revision": "4h"}}}
	review := _review({"expires": "2026-12-06T17:00:00Z"})
	some msg in _msgs(review) with data.tenantguard.config as cfg
	contains(msg, `lies more than 4h (exceptions.maxDurationByRule["app-pinned-revision"])`)
	contains(msg, "set it to 2026-12-06T16:00:00Z at the latest")
}

test_a_rules_own_duration_may_raise_the_bound if {
	cfg := {"exceptions": {"maxDurationByRule": {"app-pinned-revision": "336h"}}}
	count(rule.violation) == 0 with input as _review({"expires": "2026-12-19T12:00:00Z"}) with data.tenantguard.config as cfg
}

test_an_exception_of_several_rules_gets_the_shortest_bound if {
	cfg := {"exceptions": {"maxDurationByRule": {"app-pinned-revision": "336h"}}}
	spec := {"rules": ["app-pinned-revision", "app-repo-allowed"], "expires": "2026-12-19T12:00:00Z"}
	some msg in _msgs(_review(spec)) with data.tenantguard.config as cfg
	contains(msg, "lies more than 168h0m0s (exceptions.maxDuration)")
}

test_other_kinds_are_ignored if {
	tenant := object.union(_exception({}), {"kind": "Tenant"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": tenant, "now": _now}
	foreign := object.union(_exception({}), {"apiVersion": "example.com/v1"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": foreign, "now": _now}
}

test_an_exception_without_a_spec_or_name_is_refused if {
	bare := {"apiVersion": "tenantguard.io/v1alpha1", "kind": "PolicyException", "metadata": {}}
	some msg in _msgs({"operation": "CREATE", "object": bare, "now": _now})
	startswith(msg, "PolicyException <unnamed>: spec.expires is missing")
}
