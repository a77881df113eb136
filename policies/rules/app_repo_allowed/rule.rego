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
package tenantguard.rules.app_repo_allowed

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.config.config

violation contains v if {
	count(config.allowedRepos) > 0
	count(_allowed) > 0
	some src in app.sources
	url := src.source.repoURL
	is_string(url)
	not _is_allowed(url)
	field := sprintf("%s.repoURL", [src.path])
	msg := sprintf(
		"%s: %s %s is not an allowed repository; point it at one of the repositories the cluster config allows (allowedRepos: %s), or ask the platform team to add it",
		[app.display_name, field, lib.quote(url), concat(", ", _allowed_list)],
	)
	v := lib.violation(rego.metadata.chain(), field, url, msg)
}

_allowed_list := [url | some url in config.allowedRepos; is_string(url); url != ""]

_allowed := {_normalize(url) | some url in _allowed_list}

_is_allowed(url) if _normalize(url) in _allowed

# _normalize writes a repository URL in the form it is compared in: surrounding
# space, trailing "/" and ".git" removed, then scheme and host lowercased. The
# host is what follows the scheme (or starts the URL) and an optional user@, up
# to the first ":" or "/", so it also finds the host of git@host:org/repo.
_normalize(url) := concat("", [lower(m[1]), m[2], lower(m[3]), m[4]]) if {
	trimmed := trim_right(trim_suffix(trim_right(trim_space(url), "/"), ".git"), "/")
	some m in regex.find_all_string_submatch_n(`(?s)^([A-Za-z][A-Za-z0-9+.\-]*://)?([^/@]*@)?([^/:]*)(.*)$`, trimmed, 1)
}
