# METADATA
# title: Reading an ApplicationSet
# description: |
#   What the ApplicationSet rules read about an ApplicationSet's template: its
#   sources, which fields are templated ({{...}}), and which generators take
#   their parameters from outside the object (git, clusters, SCM providers,
#   pull requests, plugins, cluster decision resources, a list's
#   elementsYaml), whose Applications cannot be rendered at admission. The
#   Applications of list generators (and of matrix and merge over them) are
#   rendered and judged by the Application rules instead (webhook/appset; the
#   conftest entry point for the default syntax). The ApplicationSet's Tenant
#   and environment are read as an Application's (lib.application): its
#   tenantguard.io/tenant label.
package tenantguard.lib.appset

import data.tenantguard.lib

# is_applicationset holds when the object under review is an Argo CD ApplicationSet.
is_applicationset if is_applicationset_object(input.object)

# is_applicationset_object holds for an Argo CD ApplicationSet.
is_applicationset_object(obj) if {
	obj.kind == "ApplicationSet"
	startswith(obj.apiVersion, "argoproj.io/")
}

# display_name names the ApplicationSet in messages.
display_name := sprintf("ApplicationSet %s/%s", [lib.show(_meta("namespace")), lib.show(_meta("name"))])

_meta(key) := object.get(input.object, ["metadata", key], "")

# templated holds for a string Argo CD may substitute: it holds a {{.
templated(value) if {
	is_string(value)
	contains(value, "{{")
}

# opaque_generators are the paths of the generators whose parameters come
# from outside the ApplicationSet, at any depth of matrix and merge.
opaque_generators := opaque_generators_of(input.object)

# opaque_generators_of is opaque_generators of any ApplicationSet.
opaque_generators_of(obj) := {_path_string(array.concat(["spec", "generators"], path)) |
	walk(object.get(obj, ["spec", "generators"], []), [path, value])
	value != null
	_opaque_at(path)
}

# opaque holds when some generator's parameters are not known.
opaque if count(opaque_generators) > 0

# first_opaque is the first of them, for messages.
first_opaque := sort(opaque_generators)[0]

# templated_from_outside begins the message of every rule on a templated field:
# the ApplicationSet, the field, its value and the generator that fills it in.
templated_from_outside := "%s: %s %s is templated, and %s takes its parameters from outside the ApplicationSet"

_opaque_names := {"git", "clusters", "scmProvider", "pullRequest", "plugin", "clusterDecisionResource"}

_opaque_at(path) if {
	path[count(path) - 1] in _opaque_names
	_generator_at(array.slice(path, 0, count(path) - 1))
}

_opaque_at(path) if {
	path[count(path) - 1] == "elementsYaml"
	path[count(path) - 2] == "list"
	_generator_at(array.slice(path, 0, count(path) - 2))
}

# _generator_at holds for the path of a generator: a member of
# spec.generators, or of a matrix's or merge's generators.
_generator_at(path) if {
	count(path) == 1
	is_number(path[0])
}

_generator_at(path) if {
	count(path) > 1
	is_number(path[count(path) - 1])
	path[count(path) - 2] == "generators"
}

_path_string(path) := concat("", [_segment(s, i) | some i, s in path])

_segment(s, _) := sprintf("[%d]", [s]) if is_number(s)

_segment(s, 0) := s if is_string(s)

_segment(s, i) := concat("", [".", s]) if {
	is_string(s)
	i > 0
}

# git_generators are the git generators at any depth.
git_generators contains value.git if {
	walk(object.get(input.object, ["spec", "generators"], []), [path, value])
	is_object(value.git)
	_generator_at(path)
}

# sources are the template's sources, each with the path of its field.
sources contains {"path": "spec.template.spec.source", "source": s} if {
	s := input.object.spec.template.spec.source
	is_object(s)
}

sources contains {"path": sprintf("spec.template.spec.sources[%d]", [i]), "source": s} if {
	some i, s in input.object.spec.template.spec.sources
	is_object(s)
}

sources contains {"path": "spec.template.spec.sourceHydrator.drySource", "source": s} if {
	s := input.object.spec.template.spec.sourceHydrator.drySource
	is_object(s)
}
