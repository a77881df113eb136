package changes_test

import data.changes

_hand_edit := {
	"kind": "ChangeSet",
	"actor": "alice",
	"mergeBase": "0123456789abcdef0123456789abcdef01234567",
	"files": [{
		"path": "production/shop/values.yaml", "status": "modified", "environment": "production",
		"old": {"mode": "file", "size": 12, "binary": false, "content": "replicas: 2\n"},
		"new": {"mode": "file", "size": 12, "binary": false, "content": "replicas: 3\n"},
		"staging": {
			"path": "staging/shop/values.yaml", "equal": false,
			"head": {"mode": "file", "size": 12, "binary": false, "content": "replicas: 2\n"},
			"base": {"mode": "file", "size": 12, "binary": false, "content": "replicas: 2\n"},
		},
	}],
}

test_a_hand_edit_of_production_fails_with_the_rule_id_in_the_message if {
	some v in changes.violation with input as _hand_edit
	v.rule == "change-production-promotion"
	startswith(v.msg, "[change-production-promotion] production/shop/values.yaml differs from staging/shop/values.yaml at line 1")
	v.line == 1
}

test_a_warn_override_makes_it_a_warning if {
	cfg := {"change-production-promotion": "warn"}
	count(changes.violation) == 0 with input as _hand_edit with data.tenantguard.config.enforcement as cfg
	count(changes.warn) == 1 with input as _hand_edit with data.tenantguard.config.enforcement as cfg
}

test_a_manifest_is_no_change_set if {
	count(changes.violation) == 0 with input as {"kind": "Application", "files": _hand_edit.files}
}
