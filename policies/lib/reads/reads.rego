# METADATA
# title: What an Application reads from its repositories
# description: |
#   Every repository path an Argo CD Application's sources read, resolved the
#   way Argo CD resolves it, so that a rule can hold all of them to a
#   directory: source paths, the repository root of a git source without one,
#   Helm value files and file parameters (relative to the source path, from the
#   root when absolute, $ref/... from the root of the ref source's repository,
#   Argo CD's build variables substituted, and URLs into one of the
#   Application's git repositories), kustomize components, and the hydrator's
#   sync and hydrate paths.
package tenantguard.lib.reads

import data.tenantguard.lib.application as app
import data.tenantguard.lib.paths
import data.tenantguard.lib.repo

# all holds one entry per field that reads from a repository:
#   field  the field's path, e.g. spec.sources[1].helm.valueFiles[0]
#   value  what is written there
#   paths  the normalized repository paths it reads, the plain reading first.
#          A raw-file URL, whose ref may itself hold "/", has one reading per
#          place the ref may end. Empty when tenantguard cannot tell what is
#          read (a variable whose value it cannot know, a URL too deep to read).
all contains _read(concat("", [src.path, ".path"]), path, [paths.normalize(path)]) if {
	some src in app.sources
	path := src.source.path
	is_string(path)
	path != ""
}

# A git source without a path, and without ref (a values-only source), renders
# the repository root.
all contains _read(concat("", [src.path, ".path"]), "", [""]) if {
	some src in app.sources
	object.get(src.source, "path", "") == ""
	not app.is_chart(src.source)
	not _is_ref(src.source)
}

# The hydrator writes the hydrated manifests to syncSource.path of its sync
# branch and Argo CD syncs from there; a missing or empty path is the root.
all contains _read("spec.sourceHydrator.syncSource.path", path, [paths.normalize(path)]) if {
	app.is_application
	sync := input.object.spec.sourceHydrator.syncSource
	is_object(sync)
	path := object.get(sync, "path", "")
	is_string(path)
}

# hydrateTo names only a branch today; a path there is held like the others.
all contains _read("spec.sourceHydrator.hydrateTo.path", path, [paths.normalize(path)]) if {
	app.is_application
	path := input.object.spec.sourceHydrator.hydrateTo.path
	is_string(path)
	path != ""
}

# A Helm value file or file parameter that names a ref source ($ref/...):
# read from the root of that source's repository, variables substituted.
all contains _read(file.field, file.value, _paths_from(src.source, rest, "")) if {
	some file in _helm_files
	src := file.src
	rest := _ref_rest(file.value)
	not app.is_chart(_ref_source(file.value))
}

# A value file that is a URL, after substitution: checked when it points into
# one of the Application's git repositories, else not a repository read.
all contains _read(file.field, file.value, _url_paths(expanded)) if {
	some file in _helm_files
	not _ref_rest(file.value)
	expanded := _expand(file.src.source, file.value)
	contains(expanded, "://")
}

# A value file that is a path: from the repository root when absolute, else
# from the source path. A chart source's files lie in the chart package.
all contains _read(file.field, file.value, _paths_from(src.source, file.value, base)) if {
	some file in _helm_files
	src := file.src
	not app.is_chart(src.source)
	not _ref_rest(file.value)
	not contains(_expand(src.source, file.value), "://")
	base := _source_path(src.source)
}

# A kustomize component: a remote URL into one of the Application's git
# repositories (https://host/org/repo//dir?ref=..., host/org/repo/dir,
# git@host:org/repo/dir), else a directory relative to the source path, as
# Argo CD joins it (a leading "/" included). Other remote components are not
# repository reads.
all contains _read(c.field, c.value, readings) if {
	some c in _components
	readings := _url_paths(c.value)
}

all contains _read(c.field, c.value, [paths.normalize(concat("/", [_source_path(c.src.source), c.value]))]) if {
	some c in _components
	not _url_paths(c.value)
	not contains(c.value, "://")
}

_read(field, value, read_paths) := {"field": field, "value": value, "paths": read_paths}

# _helm_files are the value files and file parameters of every source that
# are strings, each with its source and field path.
_helm_files contains {"src": src, "field": sprintf("%s.helm.valueFiles[%d]", [src.path, i]), "value": f} if {
	some src in app.sources
	files := src.source.helm.valueFiles
	is_array(files)
	some i, f in files
	is_string(f)
}

_helm_files contains {"src": src, "field": field, "value": p.path} if {
	some src in app.sources
	params := src.source.helm.fileParameters
	is_array(params)
	some i, p in params
	is_string(p.path)
	field := sprintf("%s.helm.fileParameters[%d].path", [src.path, i])
}

_components contains {"src": src, "field": sprintf("%s.kustomize.components[%d]", [src.path, i]), "value": c} if {
	some src in app.sources
	components := src.source.kustomize.components
	is_array(components)
	some i, c in components
	is_string(c)
	not app.is_chart(src.source)
}

_source_path(source) := source.path if {
	is_string(source.path)
} else := ""

_is_ref(source) if {
	is_string(source.ref)
	source.ref != ""
}

# _ref_rest is what follows $<ref> in a file that names a ref source of the
# Application ("/" included); Argo CD reads it from that repository's root.
_ref_rest(file) := substring(file, slash, -1) if {
	startswith(file, "$")
	slash := indexof(file, "/")
	slash > 1
	_ref_source(file)
}

# _ref_source is the first source whose ref the file names.
_ref_source(file) := found[0] if {
	name := substring(file, 1, indexof(file, "/") - 1)
	found := [s | some s in input.object.spec.sources; is_object(s); s.ref == name]
}

# _paths_from is the one reading of a file path of source after substitution:
# from the root when it starts with "/", else from base. None when it depends
# on a variable whose value tenantguard cannot know.
_paths_from(source, file, base) := [] if {
	_unknowable(file)
} else := [paths.normalize(expanded)] if {
	expanded := _expand(source, file)
	startswith(expanded, "/")
} else := [paths.normalize(concat("/", [base, _expand(source, file)]))]

# _expand substitutes Argo CD's build variables the way it does (os.Expand):
# $NAME and ${NAME}; $$ is a "$"; an unknown variable is empty. Known from the
# Application: ARGOCD_APP_NAME, ARGOCD_APP_NAMESPACE (the destination
# namespace), ARGOCD_APP_PROJECT_NAME, ARGOCD_APP_SOURCE_PATH,
# ARGOCD_APP_SOURCE_REPO_URL and ARGOCD_APP_SOURCE_TARGET_REVISION. The
# revisions and KUBE_VERSION are known only when rendering, never hold "/",
# and are kept as ${NAME}, which is one path segment; KUBE_API_VERSIONS holds
# "/" and makes a path unknowable.
_expand(source, text) := text if {
	not contains(text, "$")
} else := concat("", [piece |
	some i, literal in regex.split(_variable, text)
	piece := concat("", [literal, _token_value(source, tokens, i)])
]) if {
	tokens := regex.find_all_string_submatch_n(_variable, text, -1)
}

_variable := `\$(\{[^}]*\}|\{|[*#$@!?0-9-]|[A-Za-z_][A-Za-z0-9_]*)`

_token_value(source, tokens, i) := _variable_value(source, _name(tokens[i][1])) if {
	i < count(tokens)
} else := ""

_name(group) := trim_suffix(trim_prefix(group, "{"), "}")

_variable_value(source, name) := "$" if {
	name == "$"
} else := value if {
	value := _known(source)[name]
	is_string(value)
} else := sprintf("${%s}", [name]) if {
	name in _render_time
} else := ""

_known(source) := {
	"ARGOCD_APP_NAME": object.get(input.object, ["metadata", "name"], ""),
	"ARGOCD_APP_NAMESPACE": object.get(input.object, ["spec", "destination", "namespace"], ""),
	"ARGOCD_APP_PROJECT_NAME": object.get(input.object, ["spec", "project"], ""),
	"ARGOCD_APP_SOURCE_PATH": object.get(source, "path", ""),
	"ARGOCD_APP_SOURCE_REPO_URL": object.get(source, "repoURL", ""),
	"ARGOCD_APP_SOURCE_TARGET_REVISION": object.get(source, "targetRevision", ""),
}

_render_time := {
	"ARGOCD_APP_REVISION", "ARGOCD_APP_REVISION_SHORT", "ARGOCD_APP_REVISION_SHORT_8",
	"KUBE_VERSION", "KUBE_API_VERSIONS",
}

_unknowable(text) if {
	contains(text, "KUBE_API_VERSIONS")
	some m in regex.find_all_string_submatch_n(_variable, text, -1)
	_name(m[1]) == "KUBE_API_VERSIONS"
}

# _git_repositories are where the Application's git sources point (ref and
# hydrator sources included): a URL into one of them reads that repository.
_git_repositories contains r if {
	some src in app.sources
	not app.is_chart(src.source)
	url := src.source.repoURL
	is_string(url)
	r := repo.repository(url)
	r.path != ""
}

# _url_paths are the readings of a URL into one of the Application's git
# repositories (the longest that matches); undefined for any other URL. The
# file is what follows the repository's path ("/org/repo.git/production/x.yaml"
# reads production/x.yaml), or, in the raw-file URL of a forge, what follows
# the ref: GitLab's /-/raw/<ref>/, Gitea's and Forgejo's
# /raw/branch|tag|commit/<ref>/, GitHub's and Bitbucket's /raw/<ref>/, and
# raw.githubusercontent.com/<org>/<repo>/<ref>/ for a github.com repository; a
# ref may be written refs/heads/<name> or refs/tags/<name>.
_url_paths(url) := _readings(best[1], best[2]) if {
	loc := repo.location(url)
	matches := sort([[0 - count(r.path), after, raw] |
		some r in _git_repositories
		into := _into(loc, r)
		after := into[0]
		raw := into[1]
	])
	best := matches[0]
}

_into(loc, r) := [substring(loc.path, count(prefix), -1), false] if {
	loc.host == r.host
	lowered := lower(loc.path)
	some prefix in [concat("", [r.path, ".git/"]), concat("", [r.path, "/"])]
	startswith(lowered, prefix)
} else := [substring(loc.path, count(prefix), -1), true] if {
	loc.host == "raw.githubusercontent.com"
	r.host == "github.com"
	prefix := concat("", [r.path, "/"])
	startswith(lower(loc.path), prefix)
}

# _readings are the repository paths a file part of a URL may read. Without a
# ref in the URL, one. With one, the file follows the ref, and since a ref may
# hold "/" (feature/x), every place the ref may end gives a reading, the
# one-segment ref first; a URL with no file after its ref, or too deep to read
# every way, has none.
_readings(after, raw) := [] if {
	count(_segments(after)) > _max_url_segments
} else := [paths.normalize(_unescape(after))] if {
	not _ref_start(_segments(after), raw)
} else := [paths.normalize(concat("/", array.slice(segments, k, count(segments)))) |
	segments := _segments(after)
	start := _ref_start(segments, raw)
	count(segments) > start + 1
	some k in numbers.range(start + 1, count(segments) - 1)
]

_max_url_segments := 64

_segments(after) := [s | some s in split(_unescape(after), "/"); s != ""]

# _unescape decodes %XX escapes the way a web server does; a URL with a bad
# escape is read as written.
_unescape(text) := urlquery.decode(replace(text, "+", "%2B")) if {
	contains(text, "%")
} else := text

# _ref_start is the index of the segment where the ref starts, when the URL
# is a raw-file URL.
_ref_start(segments, raw) := _after_refs(segments, _marker_length(segments, raw))

_marker_length(_, true) := 0

_marker_length(segments, false) := 2 if {
	segments[0] == "-"
	segments[1] == "raw"
} else := 2 if {
	segments[0] == "raw"
	segments[1] in {"branch", "tag", "commit"}
} else := 1 if {
	segments[0] == "raw"
}

_after_refs(segments, start) := start + 2 if {
	segments[start] == "refs"
	segments[start + 1] in {"heads", "tags"}
} else := start
