package tenantguard.rules.change.change_protected_file_test

import data.tenantguard.rules.change.change_protected_file as rule

_file(path, env) := {"path": path, "status": "modified", "environment": env}

_findings(actor, files) := found if {
	found := rule.violation with input as {"kind": "ChangeSet", "actor": actor, "files": files}
}

test_automation_may_change_values_images if {
	count(_findings("github-actions[bot]", [_file("production/shop/values-images.yaml", "production")])) == 0
}

test_a_person_may_not_change_values_images_in_any_environment if {
	files := [_file("production/shop/values-images.yaml", "production"), _file("staging/values-images.yaml", "staging")]
	{v.file | some v in _findings("alice", files)} == {"production/shop/values-images.yaml", "staging/values-images.yaml"}
}

test_the_message_names_file_actor_and_identities if {
	some v in _findings("alice", [_file("staging/shop/values-images.yaml", "staging")])
	v.rule == "change-protected-file"
	v.msg == concat("", [
		`staging/shop/values-images.yaml is written only by automation (promotion.automationIdentities: ["github-actions[bot]"]), `,
		`but "alice" modified it in this change; revert it and let the automated pull request change it`,
	])
}

test_an_unknown_actor_is_refused if {
	some v in _findings("", [_file("staging/shop/values-images.yaml", "staging")])
	contains(v.msg, "but an unknown actor (pass --actor) modified it")
}

test_other_files_are_free if {
	count(_findings("alice", [_file("staging/shop/values.yaml", "staging"), _file("values-images.yaml", "")])) == 0
}

test_a_rename_away_from_a_protected_name_is_caught if {
	f := {"path": "staging/shop/images.yaml", "oldPath": "staging/shop/values-images.yaml", "status": "renamed", "environment": "staging", "oldEnvironment": "staging"}
	{v.file | some v in _findings("alice", [f])} == {"staging/shop/values-images.yaml"}
}

test_globs_and_identities_come_from_the_config if {
	cfg := {"protectedFiles": ["*/Chart.yaml"], "automationIdentities": ["release-bot"]}
	files := [_file("production/shop/Chart.yaml", "production"), _file("production/shop/values-images.yaml", "production")]
	{v.file | some v in _findings("alice", files)} == {"production/shop/Chart.yaml"} with data.tenantguard.config.promotion as cfg
	count(_findings("release-bot", files)) == 0 with data.tenantguard.config.promotion as cfg
}
