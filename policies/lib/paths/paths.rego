# METADATA
# title: Path helpers
# description: |
#   Normalizes repository paths the way git reads them, so that a rule compares
#   what is really read: staging/../production is production, at any depth.
package tenantguard.lib.paths

# normalize drops empty and "." segments, leading and trailing slashes, and
# resolves ".." segments, however many. A path that climbs above the
# repository root keeps its leading "..", which lies under no directory.
normalize(path) := trim(path, "/") if {
	# Most paths are already clean: no "." or ".." segment and no "//". A "."
	# or ".." segment starts the path or follows a "/".
	not contains(path, "/.")
	not startswith(path, ".")
	not contains(path, "//")
} else := trim(path, "/") if {
	not regex.match(`(^|/)\.\.?(/|$)|//`, path)
} else := concat("/", _resolve([s | some s in split(path, "/"); s != ""; s != "."]))

# within holds when the normalized path lies in the normalized directory dir,
# or is dir; "stagingfoo" is not within "staging". Every path that stays inside
# the repository is within its root, "". A path that climbs above the root is
# within nothing.
within(path, dir) if {
	not _climbs(path)
	_inside(path, dir)
}

# under holds when path, normalized, lies within the normalized directory dir.
under(path, dir) if within(normalize(path), dir)

_climbs(path) if path == ".."

_climbs(path) if startswith(path, "../")

_inside(path, dir) if path == dir

_inside(path, dir) if startswith(path, concat("", [dir, "/"]))

_inside(_, "")

# _resolve resolves the ".." segments of a list of segments without a loop, so
# without a depth limit. Read the segments as steps: a name goes down one
# level, ".." up one. level(i) is the depth after step i, counted from the
# start (0 before the first step). A name at i is cancelled by a later ".."
# exactly when the depth later falls below level(i), that is (one level at a
# time) when some later step is at level(i) - 1. A ".." is kept (it climbs
# above the root) exactly when it reaches a depth below 0 that no earlier step
# reached. The first and last step at each level come from one sort, so a path
# of n segments costs n log n, not n².
_resolve(segments) := segments if {
	not ".." in segments
} else := [s |
	some i, s in segments
	_kept(i, s, levels, first, last)
] if {
	levels := _levels(segments)
	steps := sort([[level, i] | some i, level in levels])
	first := {step[0]: step[1] | some n, step in steps; not _same_level(steps, n - 1, step[0])}
	last := {step[0]: step[1] | some n, step in steps; not _same_level(steps, n + 1, step[0])}
}

_kept(i, "..", levels, first, _) if {
	levels[i] < 0
	first[levels[i]] == i
}

_kept(i, s, levels, _, last) if {
	s != ".."
	not _cancelled(i, levels[i], last)
}

# _cancelled holds for the name at i, at level, when a later step is one level up.
_cancelled(i, level, last) if last[level - 1] > i

_same_level(steps, n, level) if steps[n][0] == level

# _levels is level(i) for every step: (i + 1) - 2 * (the number of ".." up to
# and including i). The ".." steps are found with one indexof_n over a string of
# one character per step ("u" for "..", "d" for a name); the names between the
# m-th and the (m+1)-th ".." have m ".." before them.
_levels(segments) := [by_index[i] | some i, _ in segments] if {
	steps := concat("", [_step(s) | some s in segments])
	ups := indexof_n(steps, "u")
	by_index := object.union(
		{j: level | some m, j in ups; level := (j + 1) - (2 * (m + 1))},
		{j: level |
			some m, run in split(steps, "u")
			count(run) > 0
			start := _run_start(ups, m)
			some k in numbers.range(0, count(run) - 1)
			j := start + k
			level := (j + 1) - (2 * m)
		},
	)
}

_step("..") := "u"

_step(s) := "d" if s != ".."

_run_start(_, 0) := 0

_run_start(ups, m) := ups[m - 1] + 1 if m > 0
