package tenantguard.lib_test

import data.tenantguard.lib

_chain(custom) := [
	{"path": ["data", "tenantguard", "rules", "x", "violation"], "annotations": {"scope": "rule"}},
	{"path": ["data", "tenantguard", "rules", "x"], "annotations": {"scope": "package", "custom": custom}},
]

test_violation_takes_id_and_enforcement_from_metadata if {
	v := lib.violation(_chain({"id": "some-rule", "enforcement": "warn"}), "spec.x", 1, "msg")
	v == {"rule": "some-rule", "enforcement": "warn", "field": "spec.x", "value": 1, "msg": "msg"}
}

test_enforcement_defaults_to_deny if {
	lib.violation(_chain({"id": "some-rule"}), "f", "v", "m").enforcement == "deny"
}

test_a_chain_without_an_id_builds_nothing if {
	not lib.violation(_chain({"enforcement": "warn"}), "f", "v", "m")
}
