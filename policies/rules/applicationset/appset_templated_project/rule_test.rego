package tenantguard.rules.applicationset.appset_templated_project_test

import data.tenantguard.rules.applicationset.appset_templated_project as rule

_review(generator, project) := {"operation": "CREATE", "object": {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
	"metadata": {"name": "shop", "namespace": "argocd", "labels": {"tenantguard.io/tenant": "shop"}},
	"spec": {"generators": [generator], "template": {"spec": {"project": project}}},
}}

_git := {"git": {"repoURL": "https://git.example.com/platform/tenants.git", "directories": [{"path": "staging/*"}]}}

test_a_templated_project_of_a_git_generator_is_refused if {
	some v in rule.violation with input as _review(_git, "{{path.basename}}")
	v.field == "spec.template.spec.project"
	contains(v.msg, "spec.generators[0].git takes its parameters from outside")
	contains(v.msg, `("tenant-shop" for tenant "shop")`)
}

test_a_literal_project_is_left_to_the_application_rules if {
	count(rule.violation) == 0 with input as _review(_git, "tenant-shop")
}

test_a_list_generator_is_rendered_instead if {
	count(rule.violation) == 0 with input as _review({"list": {"elements": [{"p": "x"}]}}, "{{p}}")
}

test_without_a_tenant_the_message_names_none if {
	review := json.remove(_review({"clusters": {}}, "{{name}}"), ["object/metadata/labels"])
	some v in rule.violation with input as review
	endswith(v.msg, "write the project literally")
}
