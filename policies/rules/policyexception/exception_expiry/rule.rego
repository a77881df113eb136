# METADATA
# title: PolicyExceptions expire, and soon
# description: |
#   A PolicyException says when it stops waiving anything: spec.expires is
#   required, an RFC 3339 time to the whole second (the cluster's typed
#   readers keep no fraction, so that every runner sees one instant only
#   when there is none), after the time of the request, and no further
#   from it than the cluster config allows: exceptions.maxDuration (168h by
#   default), or for an exception of rules listed in
#   exceptions.maxDurationByRule the shortest duration of its rules. An update
#   is judged against the time of the update, so an exception is extended
#   only within the same bound. Without a time to judge at (conftest without
#   a clock), only a missing or unreadable expiry is refused.
# custom:
#   id: exception-expiry
#   enforcement: deny
#   reads:
#     - spec.expires
#     - spec.rules
package tenantguard.rules.policyexception.exception_expiry

import data.tenantguard.lib
import data.tenantguard.lib.config.config
import data.tenantguard.lib.exceptions

violation contains v if {
	exceptions.is_exception(input.object)
	_expires in {"", null}
	msg := sprintf(
		"%s: spec.expires is missing, and every exception expires; set it to a time at most %s after now, %s",
		[exceptions.display_name(input.object), _limit.duration, _example],
	)
	v := lib.violation(rego.metadata.chain(), "spec.expires", _expires, msg)
}

violation contains v if {
	exceptions.is_exception(input.object)
	not _expires in {"", null}
	not _expiry
	msg := sprintf(
		"%s: spec.expires %s is not an RFC 3339 time; write it as a time at most %s after now, %s",
		[exceptions.display_name(input.object), lib.quote(_expires), _limit.duration, _example],
	)
	v := lib.violation(rego.metadata.chain(), "spec.expires", _expires, msg)
}

violation contains v if {
	exceptions.is_exception(input.object)
	_expiry % 1000000000 != 0
	msg := sprintf(
		concat("", [
			"%s: spec.expires %s has a fraction of a second, which not every reader keeps; ",
			"write it to the whole second, such as %s",
		]),
		[exceptions.display_name(input.object), lib.quote(_expires), time.format(_whole_seconds(_expiry))],
	)
	v := lib.violation(rego.metadata.chain(), "spec.expires", _expires, msg)
}

violation contains v if {
	exceptions.is_exception(input.object)
	_expiry <= _now
	msg := sprintf(
		"%s: spec.expires %s is not after the time of this request (%s); set it to a later time, %s",
		[exceptions.display_name(input.object), lib.quote(_expires), input.now, _example],
	)
	v := lib.violation(rego.metadata.chain(), "spec.expires", _expires, msg)
}

violation contains v if {
	exceptions.is_exception(input.object)
	_expiry > _now + _limit.ns
	msg := sprintf(
		concat("", [
			"%s: spec.expires %s lies more than %s (%s) after the time of this request (%s); ",
			"set it to %s at the latest, and write a new exception when that one expires",
		]),
		[
			exceptions.display_name(input.object), lib.quote(_expires), _limit.duration, _limit.key,
			input.now, time.format(_whole_seconds(_now + _limit.ns)),
		],
	)
	v := lib.violation(rego.metadata.chain(), "spec.expires", _expires, msg)
}

# _expires is spec.expires as written; null when it is missing.
_expires := object.get(exceptions.spec(input.object), "expires", null)

# _expiry is spec.expires in ns since the epoch; undefined when it is not an
# RFC 3339 time.
_expiry := time.parse_rfc3339_ns(_expires) if is_string(_expires)

# _now is the time of the request in ns; undefined without input.now.
_now := time.parse_rfc3339_ns(input.now)

# _limit is the furthest the expiry may lie after now, with the config key
# it comes from: the shortest duration of the exception's rules, each rule's
# exceptions.maxDurationByRule entry when it has one (lower or higher), else
# exceptions.maxDuration.
_limit := {"ns": l[0], "duration": l[1], "key": l[2]} if {
	l := sort(_limits)[0]
}

_limits contains [time.parse_duration_ns(d), d, key] if {
	some rule in _rules
	d := config.exceptions.maxDurationByRule[rule]
	key := sprintf("exceptions.maxDurationByRule[%q]", [rule])
}

_limits contains [time.parse_duration_ns(d), d, "exceptions.maxDuration"] if {
	_without_own_duration
	d := config.exceptions.maxDuration
}

# _without_own_duration holds when a rule of the exception (or the
# exception, naming none) has no exceptions.maxDurationByRule entry.
_without_own_duration if {
	some rule in _rules
	not config.exceptions.maxDurationByRule[rule]
}

_without_own_duration if count(_rules) == 0

# _rules are the rule ids the exception names, when it names them in a list.
_rules := exceptions.spec(input.object).rules if is_array(exceptions.spec(input.object).rules)

else := []

# _example is an expiry the message suggests: an hour after now, to the
# minute, when the time of the request is known.
_example := sprintf("such as %s", [time.format((_now - (_now % _minute)) + (60 * _minute))]) if {
	_now
} else := "such as 2026-01-31T18:00:00Z"

_minute := 60000000000

# _whole_seconds is ns without its fraction of a second: a time a message
# shows, never after the ns it stands for.
_whole_seconds(ns) := ns - (ns % 1000000000)
