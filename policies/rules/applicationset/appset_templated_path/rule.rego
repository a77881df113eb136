# METADATA
# title: An ApplicationSet's templated paths stay in its environment's directory
# description: |
#   For a generator whose parameters come from outside the ApplicationSet, a
#   templated source path ({{...}}) is judged by what it can become. It may
#   stay only inside the directory of the ApplicationSet's environment (its
#   Tenant's, by the tenantguard.io/tenant label, else its
#   tenantguard.io/environment label), and it can only when every
#   placeholder is bound: a git generator's {{path.basename}} or
#   {{path.basenameNormalized}} (a directory's name, never "/" or ".."),
#   after a literal prefix inside that directory; or a git generator's
#   {{path}} ({{path.path}}, {{.path.path}}) when every directory and file
#   pattern of every git generator lies inside that directory. Any other
#   placeholder (a cluster's name, a pull request's branch, a file's value)
#   can become "../production" and is refused. Literal paths are judged by
#   app-environment-path on the template; with no environment known, neither
#   rule applies.
# custom:
#   id: appset-templated-path
#   enforcement: deny
#   reads:
#     - spec.template.spec.source.path
#     - spec.template.spec.sources[*].path
#     - spec.template.spec.sourceHydrator.drySource.path
#     - spec.generators
package tenantguard.rules.applicationset.appset_templated_path

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.appset
import data.tenantguard.lib.paths

violation contains v if {
	appset.is_applicationset
	appset.opaque
	dir := paths.normalize(app.environment_directory)
	some src in appset.sources
	path := src.source.path
	appset.templated(path)
	not _bound(path, dir)
	field := sprintf("%s.path", [src.path])
	format := concat("", [
		appset.templated_from_outside,
		": it can become a path outside the %s directory %s; use only a git generator's {{path.basename}} under %s,",
		" or its {{path}} with every directory pattern under %s",
	])
	under := lib.show(concat("", [dir, "/"]))
	msg := sprintf(
		format,
		[appset.display_name, field, lib.quote(path), appset.first_opaque, app.environment, lib.quote(dir), under, under],
	)
	v := lib.violation(rego.metadata.chain(), field, path, msg)
}

# _bound holds when the path, its bound placeholders replaced by what they
# can become, holds no other placeholder and lies inside dir.
_bound(path, dir) if {
	count(appset.git_generators) > 0
	with_names := regex.replace(path, `\{\{-?\s*\.?path\.basename(Normalized)?\s*-?\}\}`, "name")
	resolved := _git_paths(with_names, dir)
	not contains(resolved, "{{")
	paths.under(resolved, dir)
	not _climbs(resolved)
}

# _git_paths replaces a git generator's whole path with dir when every
# pattern of every git generator lies inside dir.
_git_paths(path, dir) := regex.replace(path, `\{\{-?\s*\.?path(\.path)?\s*-?\}\}`, dir) if {
	every pattern in _git_patterns {
		paths.under(pattern, dir)
	}
} else := path

_git_patterns contains d.path if {
	some g in appset.git_generators
	some d in g.directories
	not d.exclude == true
}

_git_patterns contains f.path if {
	some g in appset.git_generators
	some f in g.files
}

# _climbs holds for a path with a ".." segment, which normalizing would
# resolve against the placeholders' values.
_climbs(path) if ".." in split(path, "/")
