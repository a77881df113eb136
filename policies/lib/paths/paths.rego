# METADATA
# title: Path helpers
# description: |
#   Normalizes source paths the way git reads them, so that a rule compares
#   what is really read: staging/../production is production.
package tenantguard.lib.paths

# normalize drops empty and "." segments, leading and trailing slashes, and
# resolves ".." segments. A path that climbs above the repository root keeps its
# leading "..", which lies under no directory.
normalize(path) := trim(path, "/") if {
	# Most paths are already clean: no "." or ".." segment and no "//". A "."
	# or ".." segment starts the path or follows a "/".
	not contains(path, "/.")
	not startswith(path, ".")
	not contains(path, "//")
} else := trim(path, "/") if {
	not regex.match(`(^|/)\.\.?(/|$)|//`, path)
} else := trim(_collapse(_collapse(_collapse(_collapse(_collapse(_segments(path)))))), "/")

# under holds when the normalized path is dir or lies inside it; "stagingfoo" is
# not under "staging". A path that keeps a ".." (it climbs above the root, or
# nests deeper than normalize resolves) lies under nothing.
under(path, dir) if {
	normalized := normalize(path)
	not ".." in split(normalized, "/")
	_inside(normalized, dir)
}

_inside(path, dir) if path == dir

_inside(path, dir) if startswith(path, concat("", [dir, "/"]))

_segments(path) := concat("/", [s | some s in split(path, "/"); s != ""; s != "."])

# _collapse removes up to two levels of "segment/.." pairs per call; five calls
# resolve paths with up to ten nested "..".
_collapse(p) := regex.replace(regex.replace(p, _parent_pair, "$1"), _parent_pair, "$1")

_parent_pair := `(^|/)(?:[^/.][^/]*|\.[^/.][^/]*|\.\.[^/]+)/\.\.(?:/|$)`
