# METADATA
# title: Applications track a branch, never a pinned commit
# description: |
#   A commit SHA (7 to 40 hex characters, any case, also as the last part of a
#   refs/... name) as the revision of a git source freezes the Application: chart
#   and values changes then reach production without passing staging. Every
#   Application tracks HEAD of the one branch and moves by promotion in git.
#   A SHA of 7 to 40 digits written unquoted, which YAML reads as a number, is
#   pinned all the same.
# custom:
#   id: app-pinned-revision
#   enforcement: deny
#   reads:
#     - spec.source.targetRevision
#     - spec.sources[*].targetRevision
#     - spec.sourceHydrator.drySource.targetRevision
package tenantguard.rules.application.app_pinned_revision

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.common

# The rule asks its findings only of an Application that is not the common
# one (common.application), whose sources track a ref that is no commit.
violation contains v if {
	common.application == false
	some v in _violations
}

# gate holds for an Application of one source that tracks a ref of the
# cluster config's that no one could read as a commit. Written for
# lib.common's application, which is generated from every rule's gate
# (lib/common/gates.rego).
gate if {
	object.filter(input.object.spec, ["sources", "sourceHydrator"]) == {} # spec.source is the one source
	source := input.object.spec.source
	source.targetRevision in common.plain_refs
}

_violations contains v if {
	some src in app.sources
	revision := src.source.targetRevision
	is_string(revision) # what app.is_commit checks first, without a call for the common revision
	count(revision) >= 7
	app.is_commit(revision)
	not app.is_chart(src.source)
	field := sprintf("%s.targetRevision", [src.path])
	msg := sprintf(
		concat("", [
			"%s: %s is pinned to commit %s; ",
			"track HEAD instead (set targetRevision: HEAD or remove it) and promote changes through git",
		]),
		[app.display_name, field, lib.quote(revision)],
	)
	v := lib.violation(rego.metadata.chain(), field, revision, msg)
}

# An unquoted SHA of digits only, which YAML read as a number.
_violations contains v if {
	some src in app.sources
	revision := src.source.targetRevision
	is_number(revision) # what app.is_numeric_commit checks first, without a call for the common revision
	app.is_numeric_commit(revision)
	not app.is_chart(src.source)
	field := sprintf("%s.targetRevision", [src.path])
	msg := sprintf(
		concat("", [
			"%s: %s is pinned to commit %s (written unquoted, so YAML reads it as a number); ",
			"track HEAD instead (set targetRevision: HEAD or remove it) and promote changes through git",
		]),
		[app.display_name, field, lib.show(revision)],
	)
	v := lib.violation(rego.metadata.chain(), field, revision, msg)
}
