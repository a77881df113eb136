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
# Tenant found by its label, its own namespace and the default cluster as the
# destination; the Tenant's project; the Tenant's environment, which the
# environment label repeats, whose directory plainly holds everything the
# sources read (plain_for); the Tenant's arch, which every kubernetes.io/arch
# key of the Helm values repeats; every source a git source on a tracking ref
# that is no commit, without Helm parameters, file parameters or kustomize
# images; and no Helm values that may set an image tag. It is written with
# positive checks and one rule body, which cost the least to evaluate.
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
	destination := input.object.spec.destination
	destination.namespace == namespace
	count(destination) == 2 # namespace and server: no name
	count(object.filter(input.tenant.spec, ["destination"])) == 0
	destination.server == config.defaults.destination
	destination.server != ""
	project := input.object.spec.project
	project == tenant.project_for(name)
	project != ""
	project != "default"
	environment := input.tenant.spec.environment
	input.object.metadata.labels["tenantguard.io/environment"] == environment
	plain_for(environment)
	arch := input.tenant.spec.arch
	is_string(arch)
	arch != ""
	refs := _plain_refs
	needles := images.tag_needles
	every src in app.sources {
		src.source.targetRevision in refs
		not src.source.chart
		not src.source.helm.parameters
		not src.source.helm.fileParameters
		not src.source.kustomize.images
	}
	every values in app.helm_values {
		pins_only(values.json, arch)
		every needle in needles {
			not contains(values.json, needle) # images.may_set_tag, its needles read outside every
		}
	}
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
	dir := config.environments[environment]
	is_string(dir)
	not environment in _holding_environments
	not input.object.spec.sourceHydrator
	prefix := concat("", [dir, "/"])
	every src in app.sources {
		startswith(src.source.path, prefix)
		not regex.match(`\.|//`, src.source.path)
		not src.source.kustomize.components
		every file in object.get(src.source, ["helm", "valueFiles"], []) {
			is_string(file)
			not regex.match(`\.\.|//|^/|\$`, file) # a "..", a "//" (a URL's "://" too), a leading "/", a variable
		}
		every param in object.get(src.source, ["helm", "fileParameters"], []) {
			path := object.get(param, "path", "")
			is_string(path)
			not regex.match(`\.\.|//|^/|\$`, path)
		}
	}
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
# key, or has it only with the value arch: in JSON text "kubernetes.io/arch":
# (quoted, then a colon) is always an object key, never part of a string.
pins_only(json_text, _) if not contains(json_text, "kubernetes.io/arch")

pins_only(json_text, arch) if {
	is_string(arch)
	count(indexof_n(json_text, `"kubernetes.io/arch":`)) == count(indexof_n(json_text, concat("", [`"kubernetes.io/arch":`, json.marshal(arch)])))
}
