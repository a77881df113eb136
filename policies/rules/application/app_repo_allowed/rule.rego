# METADATA
# title: Sources read only allowed repositories
# description: |
#   Every source of an Application (spec.source, spec.sources[*], the hydrator's
#   drySource) reads a repository listed in the cluster config's allowedRepos.
#   URLs are compared normalized: surrounding space, trailing "/" and ".git"
#   removed, scheme and host lowercased (also the host of an scp-like ssh URL,
#   git@host:org/repo.git); paths, users and ports are compared as written.
#   With no allowlist configured (an empty list) the rule is off.
# custom:
#   id: app-repo-allowed
#   enforcement: deny
#   reads:
#     - spec.source.repoURL
#     - spec.sources[*].repoURL
#     - spec.sourceHydrator.drySource.repoURL
package tenantguard.rules.application.app_repo_allowed

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.config.config
import data.tenantguard.lib.repo

violation contains v if {
	count(config.allowedRepos) > 0
	count(_allowed) > 0
	some src in app.sources
	url := src.source.repoURL
	is_string(url)
	not _is_allowed(url)
	field := sprintf("%s.repoURL", [src.path])
	msg := sprintf(
		concat("", [
			"%s: %s %s is not an allowed repository; ",
			"point it at one of the repositories the cluster config allows (allowedRepos: ",
			"%s), or ask the platform team to add it",
		]),
		[app.display_name, field, lib.quote(url), concat(", ", _allowed_list)],
	)
	v := lib.violation(rego.metadata.chain(), field, url, msg)
}

_allowed_list := [url | some url in config.allowedRepos; is_string(url); url != ""]

_allowed := {repo.normalize(url) | some url in _allowed_list}

_is_allowed(url) if repo.normalize(url) in _allowed
