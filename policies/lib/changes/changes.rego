# METADATA
# title: Change set helpers
# description: |
#   Reading the change set of a pull request that `tenantguard changes`
#   builds from git (input contract: docs/changes.md): its files, the
#   environment directories from the cluster config, the production files
#   beside their staging counterparts, and the violation of a change-set rule,
#   which names the file and, where known, the line.
package tenantguard.lib.changes

import data.tenantguard.lib
import data.tenantguard.lib.config.config

# files are the changed files of a change set; none for any other input.
files := input.files if {
	input.kind == "ChangeSet"
	is_array(input.files)
} else := []

# actor is who made the change, "" when unknown.
actor := input.actor if is_string(input.actor)

else := ""

# directory is the repository directory of an environment.
directory(env) := config.environments[env]

# relative is a path inside the directory of env, "" for the directory itself.
relative(path, env) := "" if {
	path == directory(env)
} else := substring(path, count(directory(env)) + 1, -1) if {
	startswith(path, concat("", [directory(env), "/"]))
}

# paths are the paths a changed file touches in environment directories,
# each with its environment: its path, and a renamed file's old path.
paths(f) := {{"path": p, "environment": env} |
	some side in [[f.path, f.environment], [object.get(f, "oldPath", ""), object.get(f, "oldEnvironment", "")]]
	[p, env] := side
	p != ""
	env != ""
}

# production_sides are a changed file's production paths, each with the file
# there after the change (null when gone) and its staging counterpart: its
# path, and a renamed file's old path, which the rename left empty.
production_sides(f) := [side |
	some [key, path, new] in [["staging", f.path, f.new], ["oldStaging", object.get(f, "oldPath", ""), null]]
	counterpart := f[key]
	is_object(counterpart)
	side := {"path": path, "new": new, "staging": counterpart}
]

# text is a version's content when it is text, undefined otherwise.
text(version) := version.content if {
	is_object(version)
	not version.binary
	is_string(version.content)
}

# lines are the lines of a text, without their line ends.
lines(content) := split(trim_suffix(content, "\n"), "\n")

# first_difference is the index (from 0) of the first line where two lists
# of lines differ, a line past the end of the shorter one included;
# undefined when they are equal.
first_difference(a, b) := min({i |
	some i in numbers.range(0, max([count(a), count(b)]) - 1)
	_line(a, i) != _line(b, i)
})

_line(lines, i) := lines[i] if i < count(lines)

else := null

# short is a commit id as people read it.
short(commit) := substring(commit, 0, 12) if is_string(commit)

else := "(unknown)"

# violation builds a change-set rule's finding about file, at line when it
# is a line number (from 1); its field is the file.
violation(chain, file, line, value, msg) := object.union(
	lib.violation(chain, file, value, msg),
	{"file": file, "line": line},
) if {
	is_number(line)
	line >= 1
} else := object.union(lib.violation(chain, file, value, msg), {"file": file})
