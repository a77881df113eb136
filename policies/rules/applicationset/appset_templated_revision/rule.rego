# METADATA
# title: An ApplicationSet's template tracks an allowed ref literally
# description: |
#   For a generator whose parameters come from outside the ApplicationSet, a
#   templated targetRevision ({{...}}) can become any branch or commit, so the
#   Applications could bypass staging: it is refused. Write one of the
#   cluster config's trackingRefs (HEAD by default) literally, or leave it out
#   for the mutating webhook to fill in. A literal revision is judged by
#   app-pinned-revision and app-tracking-revision on the template.
# custom:
#   id: appset-templated-revision
#   enforcement: deny
#   reads:
#     - spec.template.spec.source.targetRevision
#     - spec.template.spec.sources[*].targetRevision
#     - spec.template.spec.sourceHydrator.drySource.targetRevision
#     - spec.generators
package tenantguard.rules.applicationset.appset_templated_revision

import data.tenantguard.lib
import data.tenantguard.lib.appset
import data.tenantguard.lib.config.config

violation contains v if {
	appset.is_applicationset
	appset.opaque
	some src in appset.sources
	revision := src.source.targetRevision
	appset.templated(revision)
	field := sprintf("%s.targetRevision", [src.path])
	format := concat("", [
		appset.templated_from_outside,
		": it can become any branch or commit; track %s literally (or leave targetRevision out) and promote through git",
	])
	refs := concat(" or ", [r | some r in config.trackingRefs; is_string(r)])
	msg := sprintf(format, [appset.display_name, field, lib.quote(revision), appset.first_opaque, refs])
	v := lib.violation(rego.metadata.chain(), field, revision, msg)
}
