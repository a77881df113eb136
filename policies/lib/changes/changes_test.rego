package tenantguard.lib.changes_test

import data.tenantguard.lib.changes

test_files_are_those_of_a_change_set_only if {
	changes.files == [{"path": "a"}] with input as {"kind": "ChangeSet", "files": [{"path": "a"}]}
	changes.files == [] with input as {"kind": "Application", "files": [{"path": "a"}]}
}

test_actor_is_empty_when_not_a_string if {
	changes.actor == "" with input as {"actor": 5}
	changes.actor == "bot" with input as {"actor": "bot"}
}

test_relative_paths_inside_an_environment if {
	changes.relative("production/shop/values.yaml", "production") == "shop/values.yaml"
	changes.relative("production", "production") == ""
	not changes.relative("productionx/a", "production")
}

test_relative_paths_follow_the_configured_directories if {
	changes.relative("envs/prod/a.yaml", "production") == "a.yaml" with data.tenantguard.config.environments as {"staging": "envs/stg", "production": "envs/prod"}
}

test_first_difference_finds_the_first_differing_line if {
	changes.first_difference(["a", "b"], ["a", "c"]) == 1
	changes.first_difference(["a"], ["a", "b"]) == 1
	not changes.first_difference(["a"], ["a"])
}

test_lines_ignore_the_last_line_end if {
	changes.lines("a\nb\n") == ["a", "b"]
}

test_short_commits if {
	changes.short("0123456789abcdef") == "0123456789ab"
	changes.short(null) == "(unknown)"
}

test_a_violation_has_a_line_only_when_known if {
	chain := [{"annotations": {"custom": {"id": "x", "enforcement": "deny"}}}]
	changes.violation(chain, "f", 3, "v", "m").line == 3
	not changes.violation(chain, "f", 0, "v", "m").line
	changes.violation(chain, "f", 0, "v", "m").field == "f"
}
