package tenantguard.rules.applicationset.appset_templated_revision_test

import data.tenantguard.rules.applicationset.appset_templated_revision as rule

_review(generator, spec) := {"operation": "CREATE", "object": {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": {"generators": [generator], "template": {"spec": spec}},
}}

_scm := {"scmProvider": {"github": {"organization": "shop"}}}

test_a_templated_revision_is_refused_on_every_source if {
	fields := {v.field | some v in rule.violation} with input as _review(_scm, {
		"source": {"path": "staging/a", "targetRevision": "{{branch}}"},
		"sources": [{"targetRevision": "HEAD"}, {"targetRevision": "{{ .branch }}"}],
	})
	fields == {"spec.template.spec.source.targetRevision", "spec.template.spec.sources[1].targetRevision"}
}

test_the_message_names_the_tracking_refs if {
	some v in rule.violation with input as _review(_scm, {"source": {"targetRevision": "{{branch}}"}})
	contains(v.msg, "track HEAD literally")
	contains(v.msg, "spec.generators[0].scmProvider")
}

test_a_literal_revision_is_left_to_the_application_rules if {
	count(rule.violation) == 0 with input as _review(_scm, {"source": {"targetRevision": "HEAD"}})
}

test_a_list_generator_is_rendered_instead if {
	count(rule.violation) == 0 with input as _review({"list": {"elements": []}}, {"source": {"targetRevision": "{{r}}"}})
}
