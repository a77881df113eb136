# Rendering an ApplicationSet for conftest:
# The Applications an ApplicationSet generates, rendered in Rego for
# conftest, which has no other way to see them: list generators, a matrix
# of two lists and a merge of lists, in Argo CD's default syntax ({{param}},
# the tag trimmed, unknown tags kept, a list element's values object as
# values.<key>), templatePatch laid over the result, then what Argo CD's
# controller adds (the ApplicationSet's namespace, the resources finalizer,
# the ApplicationSet as owner). tenantguard serve, eval and the audit render
# in Go (webhook/appset), which also renders goTemplate, deeper nesting and
# selectors; here those, and the generators whose parameters come from
# outside, give the bare template. The parity and differential tests hold
# the two to the same findings where both render.
package tenantguard.lib.appset

# generated is every Application the ApplicationSet doc makes, each as
# {"at": the generator elements, "template": whether it is the bare
# template, "object": the Application}.
generated(doc) := [g |
	some i, gen in object.get(doc, ["spec", "generators"], [])
	some g in _by_generator(doc, gen, i)
]

_by_generator(doc, gen, i) := [_app(doc, s.at, s.params) | some s in _sets(doc, gen, i)] if {
	_renderable(doc, gen)
} else := [{"at": _first_opaque_in(doc, i), "template": true, "object": _finish(doc, _template(doc))}]

# _renderable holds for what this file renders: the default syntax, no
# selector, and a list, a matrix of two lists or a merge of lists.
_renderable(doc, gen) if {
	not doc.spec.goTemplate == true
	not gen.selector
	_list_only(gen)
}

_list_only(gen) if _plain_list(gen.list)

_list_only(gen) if {
	count(gen.matrix.generators) == 2
	every g in gen.matrix.generators {
		_plain_list(g.list)
		not g.selector
	}
}

_list_only(gen) if {
	count(gen.merge.generators) >= 2
	count(gen.merge.mergeKeys) > 0
	every g in gen.merge.generators {
		_plain_list(g.list)
		not g.selector
	}
}

_plain_list(list) if {
	is_object(list)
	object.get(list, "elementsYaml", "") == ""
	every e in object.get(list, "elements", []) {
		_params(e)
	}
}

_first_opaque_in(doc, i) := sort(found)[0] if {
	prefix := sprintf("spec.generators[%d].", [i])
	found := [p | some p in opaque_generators_of(doc); startswith(p, prefix)]
	count(found) > 0
} else := sprintf("spec.generators[%d]", [i])

# _sets are a generator's parameter sets, each with the elements it came from.
_sets(_, gen, i) := [{"at": _at(i, ["list"], j), "params": _params(e)} |
	some j, e in object.get(gen.list, "elements", [])
] if is_object(gen.list)

_sets(_, gen, i) := [{
	"at": concat(" × ", [_at(i, ["matrix", 0, "list"], j), _at(i, ["matrix", 1, "list"], k)]),
	"params": object.union(_params(b), a),
} |
	some j, e in object.get(gen.matrix.generators[0].list, "elements", [])
	a := _params(e)
	some k, raw in object.get(gen.matrix.generators[1].list, "elements", [])
	b := json.unmarshal(_substitute(json.marshal(raw), a))
] if is_object(gen.matrix)

_sets(_, gen, i) := [{
	"at": concat(" + ", array.concat([_at(i, ["merge", 0, "list"], j)], [o.at | some o in overs])),
	"params": object.union(base, _union([o.params | some o in overs])),
} |
	some j, e in object.get(gen.merge.generators[0].list, "elements", [])
	base := _params(e)
	key := {k: base[k] | some k in gen.merge.mergeKeys}
	overs := [{"at": _at(i, ["merge", n, "list"], m), "params": p} |
		some n, g in gen.merge.generators
		n > 0
		some m, other in object.get(g.list, "elements", [])
		p := _params(other)
		key == {k: p[k] | some k in gen.merge.mergeKeys}
	]
] if is_object(gen.merge)

_union(objects) := {k: v | some o in objects; some k, v in o}

_at(i, path, j) := sprintf("spec.generators[%d].%s.elements[%d]", [i, concat(".", [_step(p) | some p in path]), j])

_step(p) := sprintf("generators[%d]", [p]) if is_number(p)

_step(p) := p if is_string(p)

# _params are a list element's parameters in the default syntax; undefined
# for an element with a value that is no string (Argo CD refuses it).
_params(element) := object.union(
	{k: v | some k, v in element; k != "values"},
	{concat(".", ["values", k]): v | some k, v in object.get(element, "values", {})},
) if {
	is_object(element)
	every k, v in element {
		_param_value(k, v)
	}
}

_param_value(k, v) if {
	k != "values"
	is_string(v)
}

_param_value("values", v) if {
	is_object(v)
	every x in v {
		is_string(x)
	}
}

# _substitute replaces each {{tag}} of JSON text whose trimmed tag names a
# parameter with the parameter, escaped for JSON: every string of a
# document at once, as Argo CD replaces each string's tags.
_substitute(text, params) := strings.replace_n(replacements, text) if {
	tags := regex.find_all_string_submatch_n(`\{\{(.*?)\}\}`, text, -1)
	replacements := {m[0]: _escaped(params[trim_space(m[1])]) |
		some m in tags
		trim_space(m[1]) != ""
		is_string(params[trim_space(m[1])])
	}
}

_escaped(s) := substring(json.marshal(s), 1, count(json.marshal(s)) - 2)

# _app is the Application rendered with one parameter set.
_app(doc, at, params) := {"at": at, "template": false, "object": _finish(doc, _patched(doc, rendered, params))} if {
	count(params) > 0
	rendered := json.unmarshal(_substitute(json.marshal(_template(doc)), params))
} else := {"at": at, "template": false, "object": _finish(doc, _template(doc))}

# _patched lays the rendered templatePatch over the Application; the project
# stays the template's.
_patched(doc, app, params) := object.union(patched, {"spec": {"project": app.spec.project}}) if {
	patch := yaml.unmarshal(_substitute(doc.spec.templatePatch, params))
	patched := object.union(app, patch)
	app.spec.project
} else := object.union(app, yaml.unmarshal(_substitute(doc.spec.templatePatch, params))) if {
	is_string(doc.spec.templatePatch)
} else := app

# _template is the Application of spec.template: its metadata's name,
# namespace, labels, annotations and finalizers, and its spec.
_template(doc) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": object.filter(
		object.get(doc, ["spec", "template", "metadata"], {}),
		["name", "namespace", "labels", "annotations", "finalizers"],
	),
	"spec": object.get(doc, ["spec", "template", "spec"], {}),
}

# _finish adds what Argo CD's controller adds before creating it.
_finish(doc, app) := json.patch(app, [
	{"op": "add", "path": "/metadata/namespace", "value": object.get(doc, ["metadata", "namespace"], "")},
	{"op": "add", "path": "/metadata/finalizers", "value": _finalizers(doc, app)},
	{"op": "add", "path": "/metadata/ownerReferences", "value": [{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
		"name": object.get(doc, ["metadata", "name"], ""), "controller": true, "blockOwnerDeletion": true,
	}]},
])

_finalizers(doc, app) := app.metadata.finalizers if {
	count(app.metadata.finalizers) > 0
} else := [] if {
	doc.spec.syncPolicy.preserveResourcesOnDeletion == true
} else := ["resources-finalizer.argocd.argoproj.io"]

# dropped holds for a finding on a bare template about a {{...}} field: its
# value, or the value at its field, is still a template.
dropped(finding, _) if templated(finding.value)

dropped(finding, app) if templated(object.get(app, _field_path(finding.field), null))

_field_path(field) := [_part(m) | some m in regex.find_all_string_submatch_n(`([^.\[\]]+)|\[(\d+)\]`, field, -1)]

_part(m) := to_number(m[2]) if m[2] != ""

_part(m) := m[1] if m[2] == ""
