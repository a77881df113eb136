# METADATA
# title: Changes stay inside their environment directory
# description: |
#   Argo CD renders each environment from its own directory, and the
#   promotion guard compares production with staging path by path. A symlink
#   in an environment directory whose target lies outside that directory (or
#   is absolute), a path that climbs out of the environment directory it
#   starts in, and a rename that moves a file out of its environment
#   directory would let one environment read or carry another's files, so
#   they are refused.
# custom:
#   id: change-environment-escape
#   enforcement: deny
#   reads:
#     - input.files[*].path
#     - input.files[*].oldPath
#     - input.files[*].new.mode
#     - input.files[*].new.content
package tenantguard.rules.change.change_environment_escape

import data.tenantguard.lib
import data.tenantguard.lib.changes
import data.tenantguard.lib.paths

# A symlink whose target leaves its environment directory.
violation contains v if {
	some f in changes.files
	f.environment != ""
	f.new.mode == "symlink"
	target := f.new.content
	dir := changes.directory(f.environment)
	reads := _resolved(f.path, target)
	not _inside(reads, dir)
	msg := sprintf(
		concat("", [
			"%s is a symlink to %s, which reads %s, outside the %s directory %s; ",
			"commit the file itself, promoted from staging where it is production's",
		]),
		[f.path, lib.quote(target), lib.quote(reads), f.environment, lib.quote(dir)],
	)
	v := changes.violation(rego.metadata.chain(), f.path, 0, target, msg)
}

# A path that climbs out of the environment directory it starts in.
violation contains v if {
	some f in changes.files
	some touched in changes.paths(f)
	dir := changes.directory(touched.environment)
	reads := paths.normalize(touched.path)
	not paths.within(reads, dir)
	msg := sprintf("%s reads %s, outside the %s directory %s; keep each environment's files in its own directory", [
		lib.quote(touched.path), lib.quote(reads), touched.environment, lib.quote(dir),
	])
	v := changes.violation(rego.metadata.chain(), touched.path, 0, touched.path, msg)
}

# A rename that moves a file out of its environment directory.
violation contains v if {
	some f in changes.files
	f.status == "renamed"
	f.oldEnvironment != ""
	f.oldEnvironment != f.environment
	msg := sprintf(
		concat("", [
			"%s moves %s out of the %s directory %s; ",
			"add the file in staging and promote it, and delete the old one where it was",
		]),
		[f.path, f.oldPath, f.oldEnvironment, lib.quote(changes.directory(f.oldEnvironment))],
	)
	v := changes.violation(rego.metadata.chain(), f.path, 0, f.oldPath, msg)
}

# _resolved is where a symlink's target points, from the symlink's directory;
# an absolute target stays absolute, and so lies in no directory.
_resolved(path, target) := target if {
	startswith(target, "/")
} else := paths.normalize(concat("/", [_parent(path), target]))

_parent(path) := concat("/", array.slice(parts, 0, count(parts) - 1)) if parts := split(path, "/")

_inside(reads, dir) if {
	not startswith(reads, "/")
	paths.within(reads, dir)
}
