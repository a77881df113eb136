# METADATA
# title: Repository URL helpers
# description: |
#   Compares git repository URLs written in different ways: https and ssh,
#   scp-like git@host:org/repo, with or without .git, a trailing / or another
#   case in the scheme and host.
package tenantguard.lib.repo

# normalize writes a repository URL in the form rules compare it in:
# surrounding space, trailing "/" and ".git" removed, then scheme and host
# lowercased. The host is what follows the scheme (or starts the URL) and an
# optional user@, up to the first ":" or "/", so it also finds the host of
# git@host:org/repo. Users, ports and paths are kept as written.
normalize(url) := concat("", [lower(m[1]), m[2], lower(m[3]), m[4]]) if {
	trimmed := trim_right(trim_suffix(trim_right(trim_space(url), "/"), ".git"), "/")
	some m in regex.find_all_string_submatch_n(`(?s)^([A-Za-z][A-Za-z0-9+.\-]*://)?([^/@]*@)?([^/:]*)(.*)$`, trimmed, 1)
}

# location is where a URL points, as {"host": ..., "path": ...}: the host
# lowercased, without scheme, user or port, and the path after it as written
# (without a query or fragment), so that https://git.example.com/org/repo.git,
# ssh://git@git.example.com:22/org/repo and git@git.example.com:org/repo.git
# are at the same host. Undefined for a URL without a host.
location(url) := {"host": lower(m[1]), "path": m[2]} if {
	some m in regex.find_all_string_submatch_n(_location, trim_space(url), 1)
	m[1] != ""
}

_location := `^(?:[A-Za-z][A-Za-z0-9+.\-]*://)?(?:[^/@?#]*@)?([^/:?#]+)(?::[0-9]*)?[:/]?([^?#]*)`

# repository is where a repository URL points, its path in lowercase without
# ".git" and surrounding "/": what a file URL into it starts with.
repository(url) := {"host": loc.host, "path": lower(trim(trim_suffix(trim_right(loc.path, "/"), ".git"), "/"))} if {
	loc := location(url)
}
