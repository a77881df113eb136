package tenantguard.rules.change.change_environment_escape_test

import data.tenantguard.rules.change.change_environment_escape as rule

_symlink(path, env, target) := {
	"path": path, "status": "added", "environment": env, "old": null,
	"new": {"mode": "symlink", "size": count(target), "binary": false, "content": target},
}

_findings(files) := found if {
	found := rule.violation with input as {"kind": "ChangeSet", "files": files}
}

test_a_symlink_inside_its_environment_passes if {
	count(_findings([_symlink("staging/shop/values.yaml", "staging", "../common/values.yaml")])) == 0
}

test_a_symlink_out_of_its_environment_is_refused if {
	some v in _findings([_symlink("production/shop/values.yaml", "production", "../../staging/shop/values.yaml")])
	v.rule == "change-environment-escape"
	v.file == "production/shop/values.yaml"
	v.msg == concat("", [
		`production/shop/values.yaml is a symlink to "../../staging/shop/values.yaml", which reads "staging/shop/values.yaml", `,
		`outside the production directory "production"; commit the file itself, promoted from staging where it is production's`,
	])
}

test_an_absolute_symlink_is_refused if {
	some v in _findings([_symlink("staging/shop/values.yaml", "staging", "/etc/passwd")])
	contains(v.msg, `which reads "/etc/passwd"`)
}

test_the_environment_directory_as_a_symlink_is_refused if {
	count(_findings([_symlink("staging", "staging", "production")])) == 1
}

test_a_symlink_outside_every_environment_is_not_judged if {
	count(_findings([_symlink("docs/link", "", "../production")])) == 0
}

test_a_path_climbing_out_of_its_environment_is_refused if {
	f := {"path": "staging/../production/shop/values.yaml", "status": "added", "environment": "staging", "new": {"mode": "file"}}
	some v in _findings([f])
	contains(v.msg, `reads "production/shop/values.yaml", outside the staging directory "staging"`)
}

test_a_rename_out_of_its_environment_is_refused if {
	f := {
		"path": "production/shop/values.yaml", "oldPath": "staging/shop/values.yaml", "status": "renamed",
		"environment": "production", "oldEnvironment": "staging", "new": {"mode": "file"},
	}
	some v in _findings([f])
	v.value == "staging/shop/values.yaml"
	contains(v.msg, `moves staging/shop/values.yaml out of the staging directory "staging"`)
}

test_a_rename_within_its_environment_passes if {
	f := {
		"path": "staging/shop/b.yaml", "oldPath": "staging/shop/a.yaml", "status": "renamed",
		"environment": "staging", "oldEnvironment": "staging", "new": {"mode": "file"},
	}
	count(_findings([f])) == 0
}
