# METADATA
# title: Sources read only the directory of the Application's environment
# description: |
#   Each environment has its own directory in the one git repository (cluster
#   config environments: staging/ and production/ by default), and an
#   Application reads only its own: a staging Application never reads
#   production/. Everything its sources read is held to that directory, each
#   path normalized the way git reads it (., .., //, leading and trailing /, at
#   any depth): the path of every source (spec.source, spec.sources[*], the
#   hydrator's drySource), the Helm value files and file parameters (relative
#   to the source path, absolute from the repository root, $ref/... from the
#   root of the ref source's repository, Argo CD's build variables substituted,
#   and URLs into one of the Application's git repositories, raw-file URLs of
#   the common forges included), the kustomize components, and the hydrator's
#   syncSource.path (and hydrateTo.path, should it have one). A git source without a path (and without ref) reads the
#   repository root, which is under no environment directory. When a directory
#   of another environment lies inside this one, paths under it are refused
#   too. A raw-file URL whose ref may hold "/" is refused when any way of
#   reading it lands outside, in another environment's directory.
#   The environment is the Tenant's whenever the Tenant is known, else the
#   tenantguard.io/environment label; when neither is known the rule does not
#   apply. A label that contradicts the Tenant's environment is refused, as is
#   an environment that the cluster config does not list.
# custom:
#   id: app-environment-path
#   enforcement: deny
#   reads:
#     - metadata.labels["tenantguard.io/environment"]
#     - spec.source.path
#     - spec.sources[*].path
#     - spec.sourceHydrator.drySource.path
#     - spec.sourceHydrator.syncSource.path
#     - spec.sourceHydrator.hydrateTo.path
#     - spec.source.helm.valueFiles
#     - spec.sources[*].helm.valueFiles
#     - spec.source.helm.fileParameters[*].path
#     - spec.sources[*].helm.fileParameters[*].path
#     - spec.source.kustomize.components
#     - spec.sources[*].kustomize.components
#     - spec.sourceHydrator.drySource.helm
#     - spec.sourceHydrator.drySource.kustomize.components
package tenantguard.rules.application.app_environment_path

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.common
import data.tenantguard.lib.config.config
import data.tenantguard.lib.paths
import data.tenantguard.lib.reads

_environment_field := `metadata.labels["tenantguard.io/environment"]`

# The rule asks its findings only of an Application that is neither the
# common one (common.application) nor _clean.
violation contains v if {
	common.application == false
	not _clean
	some v in _violations
}

# _clean holds for the common Application: its environment is its Tenant's,
# which its environment label repeats, the cluster config knows it, and what
# its sources read plainly lies in its directory (common.plain_for): none of the
# findings below can hold then, and the rule stops here.
_clean if {
	environment := input.tenant.spec.environment
	input.object.metadata.labels["tenantguard.io/environment"] == environment
	common.plain_for(environment)
}

# gate is _clean for an Application of one source, written out: the Tenant's
# environment, repeated by the label, has a directory that holds no other's
# (common.plain_prefixes), and the one source reads a plain path under it,
# plain value files, no kustomize and no file parameters. Written for
# lib.common's application, which is generated from every rule's gate
# (lib/common/gates.rego).
gate if {
	environment := input.tenant.spec.environment
	input.object.metadata.labels["tenantguard.io/environment"] == environment
	prefix := object.get(common.plain_prefixes, environment, "") # one body, not one per environment
	prefix != ""
	object.filter(input.object.spec, ["sources", "sourceHydrator"]) == {} # spec.source is the one source
	source := input.object.spec.source
	startswith(source.path, prefix) # common's _plain_source(source, prefix)
	not regex.match(`\.|//`, source.path)
	files := concat("\n", object.get(source, ["helm", "valueFiles"], []))
	not regex.match(`(?m)\.\.|//|^/|\$`, files)
	object.filter(source, ["chart", "kustomize"]) == {}
	helm := object.get(source, "helm", {})
	object.filter(helm, ["parameters", "fileParameters", "values"]) == {}
}

# The Application's environment is not one the cluster config knows.
_violations contains v if {
	app.is_application
	environment := app.environment
	not _known_environment(environment)
	msg := sprintf(
		concat("", [
			"%s: environment %s (%s) is not one of the configured environments (%s); ",
			"set the label, or the Tenant's spec.environment, to one of them",
		]),
		[app.display_name, lib.quote(environment), _environment_field, concat(", ", _environment_names)],
	)
	v := lib.violation(rego.metadata.chain(), _environment_field, environment, msg)
}

# The environment label contradicts the environment of the Application's Tenant.
_violations contains v if {
	app.is_application
	label := app.environment_label
	expected := app.tenant_environment
	label != expected
	msg := sprintf(
		concat("", [
			"%s: %s is %s, but tenant %s is in the %s environment (its spec.environment); ",
			"an Application's environment is its Tenant's: set the label to %s or remove it (tenantguard fills it in)",
		]),
		[
			app.display_name, _environment_field, lib.quote(label), lib.quote(_tenant_name),
			lib.quote(expected), lib.quote(expected),
		],
	)
	v := lib.violation(rego.metadata.chain(), _environment_field, label, msg)
}

# Something a source reads lies outside the environment's directory.
_violations contains v if {
	app.is_application
	not common.plain_for(app.environment)
	_directory
	some read in reads.all
	not _allowed_read(read.paths)
	shown := _shown_path(read.paths)
	v := lib.violation(rego.metadata.chain(), read.field, read.value, _message(read.field, read.value, shown))
}

_message(field, value, path) := sprintf(
	concat("", [
		"%s: %s %s reads %s, outside the %s directory %s%s; ",
		"a %s Application reads only its own environment's directory: point it at a path under %s/",
	]),
	[
		app.display_name, field, lib.quote(value), _shown(path), lib.show(app.environment), lib.quote(_directory),
		_other_environment_note(path), lib.show(app.environment), lib.show(_directory),
	],
)

_known_environment(environment) if is_string(config.environments[environment])

_environment_names := sort([name | some name, dir in config.environments; is_string(name); is_string(dir)])

_tenant_name := object.get(input.tenant, ["metadata", "name"], "")

# _directory is the normalized directory of the Application's environment.
_directory := paths.normalize(app.environment_directory) if is_string(app.environment_directory)

# _other_directories are the normalized directories of the other environments.
_other_directories contains dir if {
	some name, other in config.environments
	name != app.environment
	is_string(other)
	dir := paths.normalize(other)
	dir != _directory
}

# _nested_directories are the other environments' directories that lie inside
# this environment's directory: a path under one of them reads that environment.
_nested_directories contains dir if {
	some dir in _other_directories
	paths.within(dir, _directory)
}

# _allowed_read holds when what a field reads is allowed: its plain reading
# lies in the environment's directory, and no other reading (a raw-file URL
# read with a longer ref) lies in another environment's directory. A read
# tenantguard cannot resolve (no reading) is not allowed.
_allowed_read(readings) if {
	_allowed(readings[0])
	not _reads_other_environment(readings)
}

_reads_other_environment(readings) if {
	some path in readings
	not _allowed(path)
	some dir in _other_directories
	paths.within(path, dir)
}

# _allowed holds for a normalized path under the environment's directory and
# under no other environment's directory inside it. The first definition is
# the common case, checked without a function call: inside the directory, no
# ".." at all, and no other environment directory inside this one.
_allowed(path) if {
	startswith(path, _directory_prefix)
	not contains(path, "..")
	count(_nested_directories) == 0
}

_allowed(path) if {
	paths.within(path, _directory)
	not _under_nested(path)
}

_directory_prefix := concat("", [_directory, "/"])

_under_nested(path) if {
	some dir in _nested_directories
	paths.within(path, dir)
}

# _shown_path is the reading a message names: one that lands in another
# environment's directory, else the plain one; none when tenantguard cannot
# tell what is read.
_shown_path(readings) := path if {
	found := sort([p | some p in readings; not _allowed(p); some dir in _other_directories; paths.within(p, dir)])
	path := found[0]
} else := readings[0] if {
	count(readings) > 0
} else := null

_shown(path) := "the repository root" if path == ""

_shown(path) := lib.quote(path) if {
	is_string(path)
	path != ""
}

_shown(path) := concat(" ", [
	"a path tenantguard cannot resolve before rendering",
	"(it depends on $KUBE_API_VERSIONS, or is a URL too deep or without a file)",
]) if {
	not is_string(path)
}

# _other_environment_note names the deepest other environment directory
# inside this one that the path lies in, if any.
_other_environment_note(path) := sprintf(
	", inside another environment's directory %s",
	[lib.quote(dirs[count(dirs) - 1])],
) if {
	is_string(path)
	dirs := sort([dir | some dir in _nested_directories; paths.within(path, dir)])
	count(dirs) > 0
} else := ""
