# METADATA
# title: Git sources track an allowed ref; chart sources pin an exact chart version
# description: |
#   Every Application tracks HEAD of the one branch (or another ref listed in the
#   cluster config's trackingRefs) and moves between environments by promotion
#   from staging/ to production/ in git. A per-environment branch such as
#   staging or production drifts and conflicts, so a git source whose
#   targetRevision names any other ref is refused. An empty targetRevision is
#   allowed: the mutating webhook fills in HEAD. Commit SHAs are left to
#   app-pinned-revision. A chart source (one with a chart) reads a Helm
#   repository, where targetRevision is the chart version: it must be an exact
#   version (1.2.3, v1.2.3, 1.2.3-rc.1, 1.2.3+build.5); a missing version, a
#   wildcard (*, x), a range (^, ~, >, <, ||, spaces), a partial version such as
#   1.2 (which Helm reads as 1.2.x) or "latest" lets the chart change without a
#   pull request. A targetRevision that is not a string (YAML reads an unquoted
#   1234567, 1.2 or true as a number or a boolean) is refused, never skipped;
#   a number of 7 to 40 digits in a git source is an unquoted commit SHA, left
#   to app-pinned-revision.
# custom:
#   id: app-tracking-revision
#   enforcement: deny
#   reads:
#     - spec.source.targetRevision
#     - spec.sources[*].targetRevision
#     - spec.sourceHydrator.drySource.targetRevision
#     - spec.source.chart
#     - spec.sources[*].chart
package tenantguard.rules.application.app_tracking_revision

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.common
import data.tenantguard.lib.config.config

# The rule asks its findings only of an Application that is not the common
# one (common.application) and when a source may stray from the allowed
# tracking refs (_may_stray): when every source is a git source (no chart)
# that tracks an allowed ref, none of the findings below can hold, and the
# rule stops here.
violation contains v if {
	common.application == false
	_may_stray
	some v in _violations
}

# gate holds for an Application of one git source (no chart) that tracks a
# ref of the cluster config's that no one could read as a commit. Written for
# lib.common's application, which is generated from every rule's gate
# (lib/common/gates.rego).
gate if {
	object.filter(input.object.spec, ["sources", "sourceHydrator"]) == {} # spec.source is the one source
	source := input.object.spec.source
	source.targetRevision in common.plain_refs
	object.filter(source, ["chart", "kustomize"]) == {}
}

# _may_stray holds when a source is not a git source tracking an allowed ref.
# (Written without every, whose body is not partially evaluated against the
# cluster config when the policies are loaded.)
_may_stray if {
	some src in app.sources
	not src.source.targetRevision in _tracking_ref_set
}

_may_stray if {
	some src in app.sources
	src.source.chart
}

# A git source whose revision names a ref that is not an allowed tracking ref.
_violations contains v if {
	some src in app.sources
	revision := src.source.targetRevision
	not revision in _tracking_ref_set
	is_string(revision)
	revision != ""
	not app.is_chart(src.source)
	not app.is_commit(revision)
	field := sprintf("%s.targetRevision", [src.path])
	msg := sprintf(
		concat("", [
			"%s: %s is %s, which is not an allowed tracking ref (allowed: %s); ",
			"per-environment branches drift and conflict, ",
			"so set targetRevision to %s and promote changes from staging/ to production/ through a pull request on that one ",
			"branch",
		]),
		[app.display_name, field, lib.quote(revision), _allowed_refs_text, _suggested_ref],
	)
	v := lib.violation(rego.metadata.chain(), field, revision, msg)
}

# A chart source whose version is missing, a range, a wildcard or not exact.
_violations contains v if {
	some src in app.sources
	chart := src.source.chart
	is_string(chart)
	chart != ""
	revision := object.get(src.source, "targetRevision", "")
	is_string(revision)
	not _is_exact_version(revision)
	field := sprintf("%s.targetRevision", [src.path])
	msg := sprintf(
		concat("", [
			"%s: %s of chart %s is %s: %s; ",
			"set targetRevision to an exact chart version such as 1.2.3 and raise it through a pull request",
		]),
		[app.display_name, field, lib.quote(chart), lib.quote(revision), _chart_problem(revision)],
	)
	v := lib.violation(rego.metadata.chain(), field, revision, msg)
}

# A revision that is not a string (null is unset, and defaulted).
_violations contains v if {
	some src in app.sources
	revision := src.source.targetRevision
	not is_string(revision)
	revision != null
	not _numeric_commit(src.source, revision)
	field := sprintf("%s.targetRevision", [src.path])
	msg := sprintf(
		"%s: %s is %s, a %s rather than a string (YAML reads an unquoted 1234567, 1.2 or true as one); %s",
		[app.display_name, field, lib.show(revision), type_name(revision), _fix_type(src.source)],
	)
	v := lib.violation(rego.metadata.chain(), field, revision, msg)
}

_numeric_commit(source, revision) if {
	app.is_numeric_commit(revision)
	not app.is_chart(source)
}

_fix_type(source) := sprintf(
	"write the exact chart version of chart %s as a quoted string, such as \"1.2.3\"",
	[lib.quote(source.chart)],
) if {
	app.is_chart(source)
} else := sprintf("set targetRevision to %s, or quote the ref you meant", [_suggested_ref])

_tracking_ref_set := {ref | some ref in _tracking_refs}

_tracking_refs := [ref | some ref in config.trackingRefs; is_string(ref)]

_allowed_refs_text := concat(", ", _tracking_refs) if count(_tracking_refs) > 0

_allowed_refs_text := "none configured" if count(_tracking_refs) == 0

# _suggested_ref is the fix the message proposes: HEAD when it is allowed.
_suggested_ref := "HEAD (or remove it; HEAD is filled in)" if {
	"HEAD" in _tracking_refs
} else := sprintf("one of %s", [_allowed_refs_text]) if {
	count(_tracking_refs) > 0
} else := "a ref listed in the cluster config's trackingRefs"

# _is_exact_version holds for a full semantic version, MAJOR.MINOR.PATCH with an
# optional leading v, pre-release and build metadata. Partial versions (1.2),
# wildcards, ranges and names such as latest do not match.
_is_exact_version(revision) if regex.match(
	`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`,
	revision,
)

# _chart_problem says in words why a chart version is not exact.
_chart_problem(revision) := "no chart version is set" if {
	revision == ""
} else := "latest floats to the newest release" if {
	lower(revision) == "latest"
} else := "a version range or wildcard floats to new releases" if {
	regex.match(`[*^~<>|\s]|(^|[.=v])[xX](\.|$)`, revision)
} else := "not an exact MAJOR.MINOR.PATCH version"
