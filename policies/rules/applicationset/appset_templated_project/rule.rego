# METADATA
# title: An ApplicationSet's template names its project literally
# description: |
#   An ApplicationSet whose generators take their parameters from outside the
#   object (git, clusters, SCM providers, pull requests, plugins) cannot be
#   rendered at admission, so its template is judged instead. A templated
#   spec.project ({{...}} in spec.template.spec.project) can become any
#   Argo CD project, the default one or another tenant's, and no rule could
#   tell before the Application exists: it is refused. Write the tenant's
#   project (tenant-<name>) literally. A platform that wants templated
#   projects (its AppProjects bind each ApplicationSet's namespace already)
#   allows them by setting this rule's enforcement to warn or dryrun in the
#   cluster config. The Applications of list generators are rendered and
#   judged by app-project instead.
# custom:
#   id: appset-templated-project
#   enforcement: deny
#   reads:
#     - spec.template.spec.project
#     - spec.generators
package tenantguard.rules.applicationset.appset_templated_project

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.appset
import data.tenantguard.lib.tenant

violation contains v if {
	appset.is_applicationset
	project := input.object.spec.template.spec.project
	appset.templated(project)
	appset.opaque
	field := "spec.template.spec.project"
	format := concat("", [
		appset.templated_from_outside,
		": it can become any project, %s or another tenant's; write the project literally%s",
	])
	msg := sprintf(
		format,
		[appset.display_name, field, lib.quote(project), appset.first_opaque, lib.quote("default"), _fix],
	)
	v := lib.violation(rego.metadata.chain(), field, project, msg)
}

_fix := sprintf(" (%s for tenant %s)", [lib.quote(tenant.project_for(name)), lib.quote(name)]) if {
	name := app.tenant_name
} else := ""
