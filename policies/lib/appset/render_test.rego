package tenantguard.lib.appset_test

import data.tenantguard.lib.appset

_doc(spec) := {
	"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": object.union(
		{"template": {
			"metadata": {"name": "shop-{{ component }}", "labels": {"env": "{{values.env}}"}},
			"spec": {"project": "tenant-shop", "source": {"path": "{{values.env}}/{{component}}", "targetRevision": "{{missing}}"}},
		}},
		spec,
	),
}

_paths(doc) := [g.object.spec.source.path | some g in appset.generated(doc)]

test_a_list_is_rendered_in_the_default_syntax if {
	got := appset.generated(_doc({"generators": [{"list": {"elements": [
		{"component": "api", "values": {"env": "staging"}},
		{"component": "pay\"x", "values": {"env": "production"}},
	]}}]}))
	count(got) == 2
	got[1].at == "spec.generators[0].list.elements[1]"
	got[1].object.metadata.name == `shop-pay"x`
	got[1].object.metadata.namespace == "argocd"
	got[1].object.metadata.labels.env == "production"
	got[1].object.metadata.finalizers == ["resources-finalizer.argocd.argoproj.io"]
	got[1].object.metadata.ownerReferences[0].kind == "ApplicationSet"
	got[1].object.spec.source.targetRevision == "{{missing}}"
	not got[1].template
}

test_an_empty_element_leaves_the_template_as_written if {
	_paths(_doc({"generators": [{"list": {"elements": [{}]}}]})) == ["{{values.env}}/{{component}}"]
}

test_a_matrix_combines_two_lists if {
	doc := _doc({"generators": [{"matrix": {"generators": [
		{"list": {"elements": [{"component": "a"}, {"component": "b"}]}},
		{"list": {"elements": [{"values": {"env": "staging-{{component}}"}}]}},
	]}}]})
	_paths(doc) == ["staging-a/a", "staging-b/b"]
	appset.generated(doc)[1].at == "spec.generators[0].matrix.generators[0].list.elements[1] × spec.generators[0].matrix.generators[1].list.elements[0]"
}

test_a_merge_overrides_by_merge_key if {
	doc := _doc({"generators": [{"merge": {"mergeKeys": ["component"], "generators": [
		{"list": {"elements": [{"component": "a", "values": {"env": "staging"}}, {"component": "b", "values": {"env": "staging"}}]}},
		{"list": {"elements": [{"component": "b", "values": {"env": "production"}}]}},
	]}}]})
	_paths(doc) == ["staging/a", "production/b"]
	appset.generated(doc)[1].at == "spec.generators[0].merge.generators[0].list.elements[1] + spec.generators[0].merge.generators[1].list.elements[0]"
}

test_a_template_patch_is_laid_over_but_keeps_the_project if {
	doc := _doc({
		"templatePatch": "spec:\n  project: other\n  source:\n    helm: {releaseName: '{{component}}'}\n",
		"generators": [{"list": {"elements": [{"component": "api"}]}}],
	})
	app := appset.generated(doc)[0].object
	app.spec.project == "tenant-shop"
	app.spec.source.helm.releaseName == "api"
}

test_a_template_patch_without_a_project_is_laid_over if {
	doc := json.remove(
		_doc({
			"templatePatch": "spec: {project: other}",
			"generators": [{"list": {"elements": [{"component": "api"}]}}],
		}),
		["spec/template/spec/project"],
	)
	appset.generated(doc)[0].object.spec.project == "other"
}

test_what_conftest_cannot_render_gives_the_template if {
	cases := [
		{"goTemplate": true, "generators": [{"list": {"elements": [{"component": "a"}]}}]},
		{"generators": [{"list": {"elements": [{"component": 1}]}}]},
		{"generators": [{"list": {"elements": []}, "selector": {"matchLabels": {"a": "b"}}}]},
		{"generators": [{"matrix": {"generators": [{"list": {}}, {"matrix": {}}]}}]},
	]
	every spec in cases {
		got := appset.generated(_doc(spec))
		count(got) == 1
		got[0].template
		got[0].at == "spec.generators[0]"
	}
}

test_an_opaque_generator_gives_the_template_at_its_path if {
	doc := _doc({
		"syncPolicy": {"preserveResourcesOnDeletion": true},
		"generators": [{"matrix": {"generators": [{"git": {"repoURL": "r"}}, {"clusters": {}}]}}],
	})
	got := appset.generated(doc)
	got[0].at == "spec.generators[0].matrix.generators[0].git"
	got[0].object.metadata.finalizers == []
}

test_findings_on_templated_fields_are_dropped if {
	app := {"spec": {"sources": [{"path": "a"}, {"path": "{{p}}"}]}}
	appset.dropped({"field": "spec.sources[1].path", "value": "x"}, app)
	appset.dropped({"field": "spec.project", "value": "{{p}}"}, app)
	not appset.dropped({"field": "spec.sources[0].path", "value": "a"}, app)
}
