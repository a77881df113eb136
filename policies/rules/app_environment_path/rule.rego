# METADATA
# title: Sources read only the directory of the Application's environment
# description: |
#   Each environment has its own directory in the one git repository (cluster
#   config environments: staging/ and production/ by default), and an
#   Application reads only its own: a staging Application never reads
#   production/. Every source path (spec.source, spec.sources[*], the hydrator's
#   drySource) is normalized the way git reads it (., .., //, leading and
#   trailing /) and must lie under the environment's directory; so must the Helm
#   value files a source names (relative to the source path, absolute from the
#   repository root, or $ref/... from a ref source's root; remote URLs are not
#   checked). A git source without a path (and without ref) reads the
#   repository root, which is under no environment directory. When a directory
#   of another environment lies inside this one, paths under it are refused too.
#   The environment comes from the tenantguard.io/environment label, else the
#   Tenant; when neither is known the rule does not apply. An environment that
#   the cluster config does not list is refused.
# custom:
#   id: app-environment-path
#   enforcement: deny
#   reads:
#     - metadata.labels["tenantguard.io/environment"]
#     - spec.source.path
#     - spec.sources[*].path
#     - spec.sourceHydrator.drySource.path
#     - spec.source.helm.valueFiles
#     - spec.sources[*].helm.valueFiles
package tenantguard.rules.app_environment_path

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.config.config
import data.tenantguard.lib.paths

_environment_field := `metadata.labels["tenantguard.io/environment"]`

# The Application's environment is not one the cluster config knows.
violation contains v if {
	app.is_application
	environment := app.environment
	is_string(environment)
	not _known_environment(environment)
	msg := sprintf(
		"%s: environment %s (%s) is not one of the configured environments (%s); set the label, or the Tenant's spec.environment, to one of them",
		[app.display_name, lib.quote(environment), _environment_field, concat(", ", _environment_names)],
	)
	v := lib.violation(rego.metadata.chain(), _environment_field, environment, msg)
}

# A source path reads outside the environment's directory.
violation contains v if {
	not _plain
	_directory
	some src in app.sources
	path := src.source.path
	is_string(path)
	path != ""
	normalized := paths.normalize(path)
	not _allowed(normalized)
	field := sprintf("%s.path", [src.path])
	v := lib.violation(rego.metadata.chain(), field, path, _message(field, path, normalized))
}

# A git source without a path, and without ref (a values-only source), renders
# the repository root.
violation contains v if {
	not _plain
	_directory
	some src in app.sources
	object.get(src.source, "path", "") == ""
	not _allowed("")
	not app.is_chart(src.source)
	not _is_ref(src.source)
	field := sprintf("%s.path", [src.path])
	v := lib.violation(rego.metadata.chain(), field, "", _message(field, "", ""))
}

# A Helm value file reads outside the environment's directory.
violation contains v if {
	not _plain
	_directory
	some src in app.sources
	files := src.source.helm.valueFiles
	is_array(files)
	some i, file in files
	is_string(file)
	normalized := paths.normalize(_value_file_path(src.source, file))
	not _allowed(normalized)
	field := sprintf("%s.helm.valueFiles[%d]", [src.path, i])
	v := lib.violation(rego.metadata.chain(), field, file, _message(field, file, normalized))
}

# _plain holds for the common Application, whose every source reads a clean
# path inside its environment's directory (no "." segment, no "//") with value
# files relative to it, and whose environment holds no other environment's
# directory: no path can lie outside, so the rule stops before normalizing.
_plain if {
	dir := app.environment_directory
	is_string(dir)
	prefix := concat("", [dir, "/"])
	not _holds_other_environment(prefix)
	every src in app.sources {
		_plain_path(src.source.path, prefix)
		every file in object.get(src.source, ["helm", "valueFiles"], []) {
			_plain_value_file(file)
		}
	}
}

_holds_other_environment(prefix) if {
	some other in config.environments
	startswith(other, prefix)
}

_plain_path(path, prefix) if {
	startswith(path, prefix)
	not contains(path, ".")
	not contains(path, "//")
}

_plain_value_file(file) if {
	is_string(file)
	not contains(file, "..")
	not contains(file, "//")
	not startswith(file, "/")
	not startswith(file, "$")
	not contains(file, "://")
}

_message(field, value, path) := sprintf(
	"%s: %s %s reads %s, outside the %s directory %s%s; a %s Application reads only its own environment's directory: point it at a path under %s/",
	[
		app.display_name, field, lib.quote(value), _shown(path), lib.show(app.environment), lib.quote(_directory),
		_other_environment_note(path), lib.show(app.environment), lib.show(_directory),
	],
)

_known_environment(environment) if is_string(config.environments[environment])

_environment_names := sort([name | some name, dir in config.environments; is_string(name); is_string(dir)])

# _directory is the normalized directory of the Application's environment.
_directory := paths.normalize(app.environment_directory) if is_string(app.environment_directory)

# _other_directories are the directories of other environments that lie inside
# this environment's directory: a path under one of them reads that environment.
_other_directories contains dir if {
	some name, other in config.environments
	name != app.environment
	is_string(other)
	dir := paths.normalize(other)
	dir != _directory
	_under(dir, _directory)
}

# _allowed holds for a normalized path under the environment's directory and
# under no other environment's directory. The first definition is the common
# case, checked without a function call: inside the directory, no ".." at all,
# and no other environment directory inside this one.
_allowed(path) if {
	startswith(path, _directory_prefix)
	not contains(path, "..")
	count(_other_directories) == 0
}

_allowed(path) if {
	_under(path, _directory)
	not _under_other(path)
}

_directory_prefix := concat("", [_directory, "/"])

_under_other(path) if {
	some dir in _other_directories
	_under(path, dir)
}

# _under holds when the normalized path lies in dir (both normalized). A path
# that still has a ".." segment climbs out of the repository or out of what
# paths.normalize resolves (more than ten nested ".."), and lies under nothing.
# Every path lies under the repository root "".
_under(path, dir) if {
	not ".." in split(path, "/")
	_in(path, dir)
}

_in(path, dir) if path == dir

_in(path, dir) if startswith(path, concat("", [dir, "/"]))

_in(_, "")

_shown(path) := "the repository root" if path == ""

_shown(path) := lib.quote(path) if path != ""

# _other_environment_note names the deepest other environment directory the
# path lies in, if any.
_other_environment_note(path) := sprintf(", inside another environment's directory %s", [lib.quote(dirs[count(dirs) - 1])]) if {
	dirs := sort([dir | some dir in _other_directories; _under(path, dir)])
	count(dirs) > 0
} else := ""

# _value_file_path is the repository path a Helm value file resolves to, the
# way Argo CD resolves it: $ref/... from the ref source's repository root, an
# absolute path from the repository root, any other path from the source path.
# Remote files (scheme://...) and relative files of a chart source (inside the
# chart package) have none.
_value_file_path(_, file) := substring(file, indexof(file, "/"), -1) if {
	startswith(file, "$")
	contains(file, "/")
}

_value_file_path(source, file) := file if {
	startswith(file, "/")
	not app.is_chart(source)
}

_value_file_path(source, file) := concat("/", [_source_path(source), file]) if {
	not startswith(file, "$")
	not startswith(file, "/")
	not contains(file, "://")
	not app.is_chart(source)
}

_source_path(source) := source.path if {
	is_string(source.path)
} else := ""

_is_ref(source) if {
	is_string(source.ref)
	source.ref != ""
}
