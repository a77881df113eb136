# METADATA
# title: Rule set entry point
# description: |
#   Collects the findings of every rule under data.tenantguard.rules and settles
#   each one's enforcement: the cluster config's override for the rule id when it
#   sets one (data.tenantguard.config.enforcement), else the rule's own default.
#   The webhook queries data.tenantguard.main.violations with the review input.
package tenantguard.main

import data.tenantguard.lib.config.config

# violations is every finding of every rule, with its settled enforcement.
# Which reviews are judged at all (excluded namespaces, deletions, status-only
# updates) is the runner's decision, made before it asks: the Go pipeline for
# the webhooks and eval, the conftest entry point for conftest.
violations contains object.union(v, {"enforcement": _enforcement(v)}) if {
	some name
	some v in data.tenantguard.rules[name].violation
}

# deny, warn and dryrun split the findings by enforcement.
deny contains v if {
	some v in violations
	v.enforcement == "deny"
}

warn contains v if {
	some v in violations
	v.enforcement == "warn"
}

dryrun contains v if {
	some v in violations
	v.enforcement == "dryrun"
}

_enforcement(v) := e if {
	e := config.enforcement[v.rule]
} else := v.enforcement
