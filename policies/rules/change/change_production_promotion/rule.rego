# METADATA
# title: Production changes only by promoting what staging runs
# description: |
#   A pull request that changes a file under the production directory must
#   leave it identical to the same path under the staging directory (the
#   same bytes and mode, or both absent): production moves only by copying
#   what staging runs, never by a hand edit. A file added, modified, renamed
#   or deleted in production that differs from staging is refused, naming the
#   file and the first line where it differs.
# custom:
#   id: change-production-promotion
#   enforcement: deny
#   reads:
#     - input.files[*].staging
#     - input.files[*].oldStaging
#     - input.files[*].new
package tenantguard.rules.change.change_production_promotion

import data.tenantguard.lib
import data.tenantguard.lib.changes

violation contains v if {
	some f in changes.files
	some side in changes.production_sides(f)
	not side.staging.equal
	found := _difference(side)
	msg := sprintf(
		"%s %s; production changes only by promoting staging: change %s, let it run in staging, then copy it to %s",
		[side.path, found.detail, side.staging.path, side.path],
	)
	v := changes.violation(rego.metadata.chain(), side.path, found.line, side.path, msg)
}

# _difference says how production differs from staging, and at which line.
_difference(side) := {
	"line": 0,
	"detail": sprintf("is deleted but its staging counterpart %s still exists", [side.staging.path]),
} if {
	side.new == null
} else := {"line": 0, "detail": sprintf("has no staging counterpart: %s does not exist", [side.staging.path])} if {
	side.staging.head == null
} else := {
	"line": 0,
	"detail": sprintf("is a %s but %s is a %s", [side.new.mode, side.staging.path, side.staging.head.mode]),
} if {
	side.new.mode != side.staging.head.mode
} else := {"line": i + 1, "detail": sprintf("differs from %s at line %d: production has %s, staging has %s", [
	side.staging.path, i + 1, _shown(production, i), _shown(staging, i),
])} if {
	production := changes.lines(changes.text(side.new))
	staging := changes.lines(changes.text(side.staging.head))
	i := changes.first_difference(production, staging)
} else := {"line": 0, "detail": sprintf("differs from %s (binary content)", [side.staging.path])}

_shown(lines, i) := lib.quote(lines[i]) if i < count(lines)

else := "no such line"
