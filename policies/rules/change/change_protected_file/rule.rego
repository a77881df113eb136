# METADATA
# title: Files only automation writes change only by automation
# description: |
#   Some files of every environment directory are written only by automated
#   pull requests, values-images.yaml above all (it carries the image tags a
#   release moves). A change to one (cluster config promotion.protectedFiles,
#   globs matched against the path inside its environment directory) is
#   refused unless its actor is one of promotion.automationIdentities; an
#   unknown actor is refused too.
# custom:
#   id: change-protected-file
#   enforcement: deny
#   reads:
#     - input.actor
#     - input.files[*].path
#     - input.files[*].oldPath
package tenantguard.rules.change.change_protected_file

import data.tenantguard.lib
import data.tenantguard.lib.changes
import data.tenantguard.lib.config.config

violation contains v if {
	not changes.actor in config.promotion.automationIdentities
	some f in changes.files
	some touched in changes.paths(f)
	_protected(changes.relative(touched.path, touched.environment))
	msg := sprintf(
		concat("", [
			"%s is written only by automation (promotion.automationIdentities: %s), but %s %s it in this change; ",
			"revert it and let the automated pull request change it",
		]),
		[touched.path, lib.show(config.promotion.automationIdentities), _who, f.status],
	)
	v := changes.violation(rego.metadata.chain(), touched.path, 0, changes.actor, msg)
}

_protected(relative) if {
	some pattern in config.promotion.protectedFiles
	glob.match(pattern, ["/"], relative)
}

_who := lib.quote(changes.actor) if changes.actor != ""

else := "an unknown actor (pass --actor)"
