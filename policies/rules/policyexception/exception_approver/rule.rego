# METADATA
# title: Only the cluster's approvers write PolicyExceptions
# description: |
#   At admission, a PolicyException is created or changed only by an
#   approver: a user the cluster config lists in exceptions.approvers, or a
#   member of one of exceptions.approverGroups (none by default, so no
#   exception can be written until the config names someone). The approver is
#   recorded from the request: the mutating webhook writes spec.approvedBy as
#   the request's user, whatever the requester wrote, and an exception whose
#   spec.approvedBy is anyone else reached this rule without it (the mutating
#   webhook was bypassed or reordered) and is refused. A manifest read by
#   eval or conftest has no user, and this rule says nothing about it.
# custom:
#   id: exception-approver
#   enforcement: deny
#   reads:
#     - input.userInfo
#     - spec.approvedBy
package tenantguard.rules.policyexception.exception_approver

import data.tenantguard.lib
import data.tenantguard.lib.config.config
import data.tenantguard.lib.exceptions

violation contains v if {
	exceptions.is_exception(input.object)
	_user != ""
	not _approver
	msg := sprintf(
		concat("", [
			"%s: %s is not an exception approver (exceptions.approvers, or a group of exceptions.approverGroups), ",
			"so may not %s it; ask an approver to, or have the cluster config name you",
		]),
		[exceptions.display_name(input.object), lib.quote(_user), _verb],
	)
	v := lib.violation(rego.metadata.chain(), "userInfo.username", _user, msg)
}

violation contains v if {
	exceptions.is_exception(input.object)
	_user != ""
	approved_by := object.get(exceptions.spec(input.object), "approvedBy", null)
	approved_by != _user
	msg := sprintf(
		concat("", [
			"%s: spec.approvedBy is %s, but the request comes from %s; tenantguard's mutating webhook records ",
			"the approver from the request and did not run: check that its MutatingWebhookConfiguration ",
			"covers policyexceptions, and leave spec.approvedBy out",
		]),
		[exceptions.display_name(input.object), lib.quote(approved_by), lib.quote(_user)],
	)
	v := lib.violation(rego.metadata.chain(), "spec.approvedBy", approved_by, msg)
}

# _user is the request's user; "" outside admission.
_user := input.userInfo.username if is_string(input.userInfo.username)

else := ""

_approver if _user in config.exceptions.approvers

_approver if {
	some group in input.userInfo.groups
	group in config.exceptions.approverGroups
}

_verb := "change" if input.operation == "UPDATE"

else := "create"
