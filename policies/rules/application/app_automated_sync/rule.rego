# METADATA
# title: Tenant Applications sync automatically with selfHeal
# description: |
#   An Application of a tenant (by its tenantguard.io/tenant label, else by the
#   Tenant found for it) follows git on its own: spec.syncPolicy.automated is set
#   (and not turned off with enabled: false) and automated.selfHeal is true, so
#   that promotions reach the cluster and hand edits in the cluster are undone.
# custom:
#   id: app-automated-sync
#   enforcement: warn
#   reads:
#     - spec.syncPolicy.automated
#     - spec.syncPolicy.automated.enabled
#     - spec.syncPolicy.automated.selfHeal
package tenantguard.rules.application.app_automated_sync

import data.tenantguard.lib
import data.tenantguard.lib.application as app

# The rule stops at once on an Application that heals (_heals): each body
# first asks the one cheap condition under which it may not (the second, an
# equality, is selected by OPA's rule index).
violation contains v if {
	not input.object.spec.syncPolicy.automated.selfHeal == true
	some v in _violations
}

violation contains v if {
	input.object.spec.syncPolicy.automated.enabled == false
	some v in _violations
}

_violations contains v if {
	not _heals
	app.is_application
	finding := _finding
	name := app.tenant_name
	msg := sprintf("%s: tenant %s's Application %s; %s", [app.display_name, lib.quote(name), finding.problem, finding.fix])
	v := lib.violation(rego.metadata.chain(), finding.field, finding.value, msg)
}

_automated := object.get(input.object, ["spec", "syncPolicy", "automated"], null)

_self_heal := object.get(_automated, "selfHeal", null)

_fix := concat(" ", [
	"set spec.syncPolicy.automated with selfHeal: true",
	"so that Argo CD applies every promotion and undoes hand edits",
])

# _heals holds for an automated sync policy with selfHeal, not turned off, which
# is what the rule asks for.
_heals if {
	input.object.spec.syncPolicy.automated.selfHeal == true
	not input.object.spec.syncPolicy.automated.enabled == false
}

# _finding is what is wrong with the sync policy, one thing at most.
_finding := {
	"field": "spec.syncPolicy.automated",
	"value": _automated,
	"problem": sprintf("does not sync automatically: spec.syncPolicy.automated is %s", [_shown(_automated)]),
	"fix": _fix,
} if {
	not is_object(_automated)
} else := {
	"field": "spec.syncPolicy.automated",
	"value": _automated,
	"problem": sprintf("has automated sync turned off: spec.syncPolicy.automated is %s", [_shown(_automated)]),
	"fix": "remove enabled: false from spec.syncPolicy.automated and set selfHeal: true there",
} if {
	_automated.enabled == false
} else := {
	"field": "spec.syncPolicy.automated.selfHeal",
	"value": _self_heal,
	"problem": sprintf("does not heal drift: spec.syncPolicy.automated.selfHeal is %s", [_shown(_self_heal)]),
	"fix": "set spec.syncPolicy.automated.selfHeal to true so that Argo CD undoes hand edits in the cluster",
} if {
	_self_heal != true
}

# _shown writes the sync policy's value as JSON (a string too, quoted the JSON
# way), shortened by lib.show; null is "not set".
_shown(value) := "not set" if value == null

else := lib.show(json.marshal(value))
