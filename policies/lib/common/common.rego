# METADATA
# title: The common Application
# description: |
#   What the Application rules' checks read about the common Application, the
#   one the supervisor writes for a tenant: evaluated once per review and read
#   by every rule's check, so that each rule does not walk the sources, the Helm
#   values and the Tenant again on its own. A rule's check reads application,
#   and asks its findings only when it is false; application implies that none
#   of those rules has a finding (webhook/policy's TestGatesNeverHideAFinding
#   holds every check to that).
package tenantguard.lib.common

import data.tenantguard.lib.application as app
import data.tenantguard.lib.config.config
import data.tenantguard.lib.images
import data.tenantguard.lib.tenant

# application is true for the common Application, false for any other: the
# Tenant found by its label, its own namespace and the Tenant's cluster by
# server as the destination (spec.destination, which the mutating webhook fills
# in on every Tenant, else the cluster config's default); the Tenant's project; the Tenant's environment, which the
# environment label repeats, whose directory plainly holds everything its one
# source reads; a git source (no chart) on a tracking ref that is no commit,
# without kustomize, Helm parameters, file parameters or a values string; a
# valuesObject that pins no arch but the Tenant's and may set no image tag.
# It is written with positive checks in one rule body, without every, for the
# common Application has one source: each rule, function call, every and
# negation of a rule would cost an evaluation of its own. So the checks of
# _plain_source and pins_only are written out here, once more.
default application := false

application if {
	name := input.tenant.metadata.name
	input.tenantLookup.label == name # a string, so name is a tenant name
	name != ""
	input.tenantLookup.matches[0] == name
	input.object.metadata.labels["tenantguard.io/tenant"] == name
	namespace := input.tenant.spec.namespace
	is_string(namespace)
	namespace != ""

	# tenant.destination, without a rule
	server := object.get(input.tenant.spec, "destination", config.defaults.destination)
	input.object.spec.destination == {"namespace": namespace, "server": server} # no name
	is_string(server)
	server != ""
	project := input.object.spec.project
	project == tenant.project_for(name) # not "", as name is not
	project != "default"
	environment := input.tenant.spec.environment
	input.object.metadata.labels["tenantguard.io/environment"] == environment
	prefix := object.get(_plain_prefixes, environment, "") # one body, not one per environment
	prefix != ""
	object.filter(input.object.spec, ["sources", "sourceHydrator"]) == {} # spec.source is the one source
	source := input.object.spec.source
	startswith(source.path, prefix) # _plain_source(source, prefix)
	not regex.match(`\.|//`, source.path)
	files := concat("\n", object.get(source, ["helm", "valueFiles"], []))
	not regex.match(`(?m)\.\.|//|^/|\$`, files)
	source.targetRevision in _plain_refs
	object.filter(source, ["chart", "kustomize"]) == {}
	helm := object.get(source, "helm", {})
	object.filter(helm, ["parameters", "fileParameters", "values"]) == {}
	values := json.marshal(object.get(helm, "valuesObject", {})) # as app.helm_values writes it
	arch := input.tenant.spec.arch
	is_string(arch)
	arch != ""

	# pins_only(values, arch):
	not contains(
		replace(values, concat("", [`"kubernetes.io/arch":`, json.marshal(arch)]), ""),
		`"kubernetes.io/arch":`,
	)
	not images.may_set_tag(values)
}

# _plain_refs are the tracking refs that no one could read as a commit.
_plain_refs := {ref |
	some ref in config.trackingRefs
	is_string(ref)
	not app.is_commit(ref)
}

# plain_for holds for the common Application of the environment, whose every
# source reads a clean path inside the environment's directory (no "."
# segment, no "//") with value files and file parameters relative to it, no
# kustomize component and no hydrator, and whose environment holds no other
# environment's directory: nothing it reads can lie outside, so
# app-environment-path stops before resolving paths.
plain_for(environment) if {
	prefix := _plain_prefixes[environment]
	object.filter(input.object.spec, ["sourceHydrator"]) == {} # no hydrator, without a rule for the negation
	every src in app.sources {
		_plain_source(src.source, prefix)
		not src.source.kustomize.components
		every param in object.get(src.source, ["helm", "fileParameters"], []) {
			path := object.get(param, "path", "")
			is_string(path)
			not regex.match(`\.\.|//|^/|\$`, path)
		}
	}
}

# _plain_source holds for a source whose path lies under prefix without a "."
# segment or "//", and whose value files are
# plain relative paths: without "..", "//" (a URL's "://" too), a leading "/"
# or a variable, each line of their text. (Kustomize components and file
# parameters are plain_for's: the common Application has neither.)
_plain_source(source, prefix) if {
	startswith(source.path, prefix)
	not regex.match(`\.|//`, source.path)
	files := concat("\n", object.get(source, ["helm", "valueFiles"], []))
	not regex.match(`(?m)\.\.|//|^/|\$`, files)
}

# _plain_prefixes maps each environment whose directory holds no other's to
# its directory and a "/" (an object of the config alone, computed once when
# the policies are loaded).
_plain_prefixes[environment] := concat("", [dir, "/"]) if {
	some environment, dir in config.environments
	is_string(dir)
	not environment in _holding_environments
}

# _holding_environments are the environments whose directory holds another
# environment's directory (a set of the config alone, computed once when the
# policies are loaded).
_holding_environments contains environment if {
	some environment, dir in config.environments
	is_string(dir)
	prefix := concat("", [dir, "/"])
	some other in config.environments
	startswith(other, prefix)
}

# pins_only holds when the JSON text of Helm values has no kubernetes.io/arch
# key, or has it only with the value arch: none is left once every key with
# that value is taken out. In JSON text "kubernetes.io/arch": (quoted, then a
# colon) is always an object key, never part of a string, and taking out a
# whole key and value cannot join the text around them into another key.
pins_only(json_text, arch) if {
	is_string(arch)
	not contains(
		replace(json_text, concat("", [`"kubernetes.io/arch":`, json.marshal(arch)]), ""),
		`"kubernetes.io/arch":`,
	)
}
