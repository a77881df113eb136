package tenantguard.rules.applicationset.appset_templated_path_test

import data.tenantguard.rules.applicationset.appset_templated_path as rule

_review(generators, path) := {
	"operation": "CREATE",
	"object": {
		"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
		"metadata": {"name": "shop", "namespace": "argocd", "labels": {"tenantguard.io/tenant": "shop"}},
		"spec": {"generators": generators, "template": {"spec": {"source": {"path": path}}}},
	},
	"tenant": {"metadata": {"name": "shop"}, "spec": {"environment": "staging", "namespace": "tenant-shop"}},
}

_git(patterns) := {"git": {"repoURL": "r", "directories": [{"path": p} | some p in patterns]}}

_refused(generators, path) if {
	some v in rule.violation with input as _review(generators, path)
	v.field == "spec.template.spec.source.path"
}

test_a_basename_under_the_environment_directory_is_allowed if {
	not _refused([_git(["production/*"])], "staging/{{path.basename}}")
	not _refused([_git(["x/*"])], "staging/apps/{{ .path.basenameNormalized }}/chart")
}

test_a_git_path_whose_patterns_lie_in_the_directory_is_allowed if {
	not _refused([_git(["staging/*", "staging/legacy"])], "{{path}}")
	not _refused([{"git": {"repoURL": "r", "files": [{"path": "staging/**/config.json"}]}}], "{{.path.path}}/chart")
	not _refused([_git(["staging/*"]), {"git": {"repoURL": "r", "directories": [{"path": "production/*", "exclude": true}]}}], "{{path}}")
}

test_a_git_path_whose_patterns_leave_the_directory_is_refused if {
	_refused([_git(["*/*"])], "{{path}}")
	_refused([_git(["staging/*", "production/*"])], "{{path}}")
}

test_a_basename_outside_the_directory_is_refused if {
	_refused([_git(["staging/*"])], "production/{{path.basename}}")
	_refused([_git(["staging/*"])], "staging/../production/{{path.basename}}")
}

test_any_other_placeholder_is_refused if {
	_refused([_git(["staging/*"])], "staging/{{name}}")
	_refused([{"clusters": {}}], "staging/{{path.basename}}")
	_refused([{"pullRequest": {}}], "staging/{{branch}}")
}

test_the_message_names_the_directory_and_the_generator if {
	some v in rule.violation with input as _review([{"clusters": {}}], "{{name}}")
	contains(v.msg, `outside the staging directory "staging"`)
	contains(v.msg, "spec.generators[0].clusters")
}

test_literal_paths_and_lists_are_left_to_the_application_rules if {
	not _refused([_git(["staging/*"])], "production/shop")
	not _refused([{"list": {"elements": []}}], "{{p}}")
}

test_with_no_environment_known_the_rule_does_not_apply if {
	review := json.remove(_review([{"clusters": {}}], "{{name}}"), ["tenant", "object/metadata/labels"])
	count(rule.violation) == 0 with input as review
}
