# METADATA
# title: The common Application
# description: |
#   What the Application rules' checks read about the common Application, the
#   one the supervisor writes for a tenant: evaluated once per review and read
#   by every rule's check, so that each rule does not walk the sources, the Helm
#   values and the Tenant again on its own. A rule's check reads application,
#   and asks its findings only when it is false. application is generated from
#   the gates of the rules (gates.rego); each gate implies that its rule has no
#   finding (webhook/policy's TestGatesNeverHideAFinding holds every gate and
#   every check to that).
package tenantguard.lib.common

import data.tenantguard.lib.application as app
import data.tenantguard.lib.config.config

# application is true for the common Application, false for any other: it
# holds when every gate holds, each the positive checks of one rule that
# imply the rule has no finding on an Application of one source (a rule's
# gate, in its rule.rego). The gates are written into one rule body in
# gates.rego, by policies' TestCommonApplicationIsTheRulesGates (run it with
# -update after changing a gate), without every, for the common Application
# has one source: each rule, function call, every and negation of a rule would
# cost an evaluation of its own.
default application := false

# plain_refs are the tracking refs that no one could read as a commit.
plain_refs := {ref |
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
	prefix := plain_prefixes[environment]
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

# plain_prefixes maps each environment whose directory holds no other's to
# its directory and a "/" (an object of the config alone, computed once when
# the policies are loaded).
plain_prefixes[environment] := concat("", [dir, "/"]) if {
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
