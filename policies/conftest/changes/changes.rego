# METADATA
# title: conftest entry point for change sets
# description: |
#   Runs tenantguard's change-set rules with conftest on the JSON change set
#   that `tenantguard changes --print-input` writes (docs/changes.md):
#   conftest test --namespace changes --policy policies changeset.json.
#   The cluster config comes as a --data file under tenantguard.config, as
#   for manifests. Each finding's msg starts with its rule id in brackets,
#   as tenantguard prints it.
package changes

import data.tenantguard.main as tenantguard

violation contains _message(v) if {
	some v in tenantguard.change_violations
	v.enforcement == "deny"
}

warn contains _message(v) if {
	some v in tenantguard.change_violations
	v.enforcement == "warn"
}

_message(v) := object.union(v, {"msg": sprintf("[%s] %s", [v.rule, v.msg])})
