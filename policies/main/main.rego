# METADATA
# title: Rule set entry points
# description: |
#   Collects the findings of the rules under data.tenantguard.rules and settles
#   each one's enforcement: the cluster config's override for the rule id when it
#   sets one (data.tenantguard.config.enforcement), else the rule's own default.
#   Rules are grouped by the kind of object they judge: the packages under
#   tenantguard.rules.application judge only Applications, those under
#   tenantguard.rules.applicationset only ApplicationSets' templates, those under
#   tenantguard.rules.tenant only Tenants, those under
#   tenantguard.rules.policyexception only PolicyExceptions, and a package
#   directly under tenantguard.rules (a team's own rule, say) any object. The
#   webhook and eval know the kind of the object under review and ask its entry
#   point (application_violations, tenant_violations,
#   policyexception_violations, ...), so that an Application never enters a
#   Tenant rule and the reverse; violations asks every rule about an object.
#   The rules under tenantguard.rules.change judge a change set of the
#   platform repository instead (tenantguard changes): change_violations asks them.
package tenantguard.main

import data.tenantguard.lib.config.config
import data.tenantguard.lib.exceptions

# violations is every finding of every rule, with its settled enforcement.
# Which reviews are judged at all (excluded namespaces, deletions, status-only
# updates) is the runner's decision, made before it asks: the Go pipeline for
# the webhooks and eval, the conftest entry point for conftest.
violations contains _settled(v) if {
	some v in data.tenantguard.rules.application[_].violation
}

violations contains _settled(v) if {
	some v in data.tenantguard.rules.tenant[_].violation
}

violations contains _settled(v) if {
	some v in data.tenantguard.rules.applicationset[_].violation
}

violations contains _settled(v) if {
	some v in data.tenantguard.rules.policyexception[_].violation
}

violations contains _settled(v) if {
	some v in data.tenantguard.rules[_].violation
}

# application_violations is every finding on an Application: the Application
# rules' and those of the rules of any kind.
application_violations contains _settled(v) if {
	some v in data.tenantguard.rules.application[_].violation
}

application_violations contains _settled(v) if {
	some v in data.tenantguard.rules[_].violation
}

# applicationset_violations is every finding on an ApplicationSet itself:
# the ApplicationSet rules' (which judge its template) and those of the rules
# of any kind. The runners judge the Applications it generates with
# application_violations.
applicationset_violations contains _settled(v) if {
	some v in data.tenantguard.rules.applicationset[_].violation
}

applicationset_violations contains _settled(v) if {
	some v in data.tenantguard.rules[_].violation
}

# tenant_violations is every finding on a Tenant: the Tenant rules' and those
# of the rules of any kind.
tenant_violations contains _settled(v) if {
	some v in data.tenantguard.rules.tenant[_].violation
}

tenant_violations contains _settled(v) if {
	some v in data.tenantguard.rules[_].violation
}

# policyexception_violations is every finding on a PolicyException: the
# rules under tenantguard.rules.policyexception (who may write one, what it
# may waive, for how long) and those of the rules of any kind. No exception
# waives them: an exception's match never selects a PolicyException.
policyexception_violations contains _settled(v) if {
	some v in data.tenantguard.rules.policyexception[_].violation
}

policyexception_violations contains _settled(v) if {
	some v in data.tenantguard.rules[_].violation
}

# change_violations is every finding on a change set of the platform
# repository (`tenantguard changes`): the rules under
# tenantguard.rules.change, which read a change set, not an object.
change_violations contains object.union(v, {"enforcement": _enforcement(v)}) if {
	some v in data.tenantguard.rules.change[_].violation
}

# deny, warn and dryrun split the findings by enforcement; waived holds the
# findings a PolicyException waives, whatever their enforcement.
deny contains v if {
	some v in violations
	v.enforcement == "deny"
	not v.waivedBy
}

warn contains v if {
	some v in violations
	v.enforcement == "warn"
	not v.waivedBy
}

dryrun contains v if {
	some v in violations
	v.enforcement == "dryrun"
	not v.waivedBy
}

waived contains v if {
	some v in violations
	v.waivedBy
}

# _settled is finding v with its settled enforcement and, when an exception
# in force waives it, waivedBy naming the exception (lib.exceptions.waiver).
_settled(v) := object.union(v, {"enforcement": _enforcement(v), "waivedBy": w}) if {
	w := exceptions.waiver(v)
} else := object.union(v, {"enforcement": _enforcement(v)})

_enforcement(v) := e if {
	e := config.enforcement[v.rule]
} else := v.enforcement
