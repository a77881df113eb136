# METADATA
# title: Only trusted identities point Applications at production
# description: |
#   Production changes only by promotion in git. Creating an Application whose
#   source path lies under the production directory (cluster config
#   environments.production), or updating one so that a source reads a
#   production path (repository and normalized path) that no source of the old
#   object read, is reserved to the trusted identities of the cluster config
#   (the supervisor, Argo CD's ApplicationSet controller). People promote
#   through a pull request that promotes staging/ to production/. The rule
#   needs the requesting user, so it applies only at admission: a rendered
#   manifest (no username) is not checked, nor an UPDATE without its old object.
# custom:
#   id: app-production-source
#   enforcement: deny
#   reads:
#     - spec.source.path
#     - spec.sources[*].path
#     - spec.sourceHydrator.drySource.path
#     - spec.source.repoURL
#     - spec.sources[*].repoURL
#     - spec.sourceHydrator.drySource.repoURL
package tenantguard.rules.application.app_production_source

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.config.config
import data.tenantguard.lib.paths
import data.tenantguard.lib.repo

# The requesting user is known and not trusted (read here rather than in a
# rule of its own, which every review would evaluate).
violation contains v if {
	user := input.userInfo.username
	is_string(user)
	user != ""
	not user in config.trustedIdentities # a string is there when it is in _trusted
	some src in app.sources
	path := src.source.path
	is_string(path)
	paths.under(path, _production_directory)
	_is_new(src.source)
	field := sprintf("%s.path", [src.path])
	msg := sprintf(
		concat("", [
			"%s: %s %s reads the production directory %s; ",
			"%s an Application at production is reserved to trusted identities (%s) and %s is not one; ",
			"people promote through git: open a pull request that promotes %s/ to %s/",
		]),
		[
			app.display_name, field, lib.quote(path), lib.quote(_production_directory), _action[input.operation],
			concat(", ", _trusted), lib.quote(user), lib.show(_staging_directory), lib.show(_production_directory),
		],
	)
	v := lib.violation(rego.metadata.chain(), field, path, msg)
}

_action := {"CREATE": "creating", "UPDATE": "re-pointing"}

_trusted := [id | some id in config.trustedIdentities; is_string(id)]

_production_directory := paths.normalize(config.environments.production) if {
	is_string(config.environments.production)
}

_staging_directory := paths.normalize(config.environments.staging) if {
	is_string(config.environments.staging)
} else := "staging"

# _is_new holds for a source on CREATE, and on UPDATE for a source whose
# repository and path no source of the old object read.
_is_new(_) if input.operation == "CREATE"

_is_new(source) if {
	input.operation == "UPDATE"
	is_object(input.oldObject)
	not _read_before(source)
}

_read_before(source) if _key(source) in _old_reads

_old_reads contains _key(source) if {
	some source in _old_sources
	is_object(source)
}

_old_sources contains input.oldObject.spec.source

_old_sources contains input.oldObject.spec.sourceHydrator.drySource

_old_sources contains source if {
	some source in input.oldObject.spec.sources
}

# _key identifies what a source reads: its normalized repository and path.
_key(source) := [_repo(source), _path(source)]

_path(source) := paths.normalize(source.path) if {
	is_string(source.path)
} else := ""

_repo(source) := repo.normalize(source.repoURL) if {
	is_string(source.repoURL)
} else := ""
