package tenantguard.rules.change.change_production_promotion_test

import data.tenantguard.rules.change.change_production_promotion as rule

_text(content) := {"mode": "file", "size": count(content), "binary": false, "content": content}

_binary := {"mode": "file", "size": 4, "binary": true}

_change(files) := {"kind": "ChangeSet", "actor": "alice", "mergeBase": "0123456789abcdef0123456789abcdef01234567", "files": files}

_production(status, old, new, staging_head, equal) := {
	"path": "production/shop/values.yaml", "status": status, "environment": "production",
	"old": old, "new": new,
	"staging": {"path": "staging/shop/values.yaml", "head": staging_head, "base": staging_head, "equal": equal},
}

_findings(files) := found if {
	found := rule.violation with input as _change(files)
}

test_a_promotion_equal_to_staging_passes if {
	f := _production("modified", _text("a: 1\n"), _text("a: 2\n"), _text("a: 2\n"), true)
	count(_findings([f])) == 0
}

test_a_hand_edit_names_the_file_and_the_first_differing_line if {
	f := _production("modified", _text("a: 1\nb: 1\n"), _text("a: 1\nb: 3\n"), _text("a: 1\nb: 2\n"), false)
	some v in _findings([f])
	v.rule == "change-production-promotion"
	v.file == "production/shop/values.yaml"
	v.line == 2
	v.msg == concat("", [
		`production/shop/values.yaml differs from staging/shop/values.yaml at line 2: production has "b: 3", staging has "b: 2"; `,
		"production changes only by promoting staging: change staging/shop/values.yaml, let it run in staging, then copy it to production/shop/values.yaml",
	])
}

test_a_production_file_longer_than_staging_differs_past_its_end if {
	f := _production("modified", _text("a: 1\n"), _text("a: 1\nb: 2\n"), _text("a: 1\n"), false)
	some v in _findings([f])
	v.line == 2
	contains(v.msg, "staging has no such line")
}

test_a_file_added_without_a_staging_counterpart_is_refused if {
	f := _production("added", null, _text("a: 1\n"), null, false)
	some v in _findings([f])
	contains(v.msg, "has no staging counterpart: staging/shop/values.yaml does not exist")
	not v.line
}

test_a_deletion_while_staging_keeps_the_file_is_refused if {
	f := _production("deleted", _text("a: 1\n"), null, _text("a: 1\n"), false)
	some v in _findings([f])
	contains(v.msg, "is deleted but its staging counterpart staging/shop/values.yaml still exists")
}

test_a_mode_change_is_named if {
	f := _production("modified", _text("a"), {"mode": "symlink", "size": 1, "binary": false, "content": "x"}, _text("a"), false)
	some v in _findings([f])
	contains(v.msg, "is a symlink but staging/shop/values.yaml is a file")
}

test_a_binary_difference_is_refused_without_a_line if {
	f := _production("modified", _binary, _binary, _binary, false)
	some v in _findings([f])
	contains(v.msg, "differs from staging/shop/values.yaml (binary content)")
}

test_a_rename_out_of_production_checks_the_old_path if {
	f := {
		"path": "production/shop/values-old.yaml", "oldPath": "production/shop/values.yaml", "status": "renamed",
		"environment": "production", "oldEnvironment": "production",
		"old": _text("a: 1\n"), "new": _text("a: 1\n"),
		"staging": {"path": "staging/shop/values-old.yaml", "head": _text("a: 1\n"), "base": null, "equal": true},
		"oldStaging": {"path": "staging/shop/values.yaml", "head": _text("a: 1\n"), "base": _text("a: 1\n"), "equal": false},
	}
	{v.file | some v in _findings([f])} == {"production/shop/values.yaml"}
}

test_staging_and_other_files_are_not_judged if {
	f := {"path": "staging/shop/values.yaml", "status": "modified", "environment": "staging", "old": _text("a"), "new": _text("b")}
	count(_findings([f])) == 0
}
