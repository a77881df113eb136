package tenantguard.lib.appset_test

import data.tenantguard.lib.appset

_review(generators) := {"operation": "CREATE", "object": {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": {"generators": generators, "template": {"spec": {
		"source": {"path": "a"},
		"sources": [{"path": "b"}, "no source"],
		"sourceHydrator": {"drySource": {"path": "c"}},
	}}},
}}

test_lists_are_not_opaque if {
	not appset.opaque with input as _review([{"list": {"elements": [{"a": "b"}]}}, {"matrix": {"generators": [{"list": {}}, {"list": {}}]}}])
}

test_opaque_generators_are_found_at_any_depth if {
	found := appset.opaque_generators with input as _review([
		{"git": {"repoURL": "r"}},
		{"matrix": {"generators": [{"clusters": {}}, {"merge": {"generators": [{"list": {"elementsYaml": "{{x}}"}}, {"plugin": {}}]}}]}},
	])
	found == {
		"spec.generators[0].git",
		"spec.generators[1].matrix.generators[0].clusters",
		"spec.generators[1].matrix.generators[1].merge.generators[0].list.elementsYaml",
		"spec.generators[1].matrix.generators[1].merge.generators[1].plugin",
	}
	appset.first_opaque == "spec.generators[0].git" with input as _review([{"git": {}}])
}

test_a_key_named_like_a_generator_elsewhere_is_no_generator if {
	not appset.opaque with input as _review([{"list": {"elements": [{"git": "x", "clusters": "y"}]}}])
}

test_sources_are_read_with_their_paths if {
	paths := {s.path | some s in appset.sources} with input as _review([])
	paths == {"spec.template.spec.source", "spec.template.spec.sources[0]", "spec.template.spec.sourceHydrator.drySource"}
}

test_the_applicationset_is_named if {
	appset.is_applicationset with input as _review([])
	appset.display_name == "ApplicationSet argocd/shop" with input as _review([])
	appset.templated("{{x}}")
	not appset.templated("x")
}
