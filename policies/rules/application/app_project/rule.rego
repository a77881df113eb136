# METADATA
# title: Applications belong to their tenant's own Argo CD project
# description: |
#   spec.project is set and is not Argo CD's unrestricted "default" project. An
#   Application of a tenant (by its tenantguard.io/tenant label, else by the
#   Tenant found for it) belongs to that tenant's project, named by the cluster
#   config's tenantNaming.projectPrefix and the tenant name (by default
#   tenant-<name>), whose restrictions keep it inside the tenant's namespace.
# custom:
#   id: app-project
#   enforcement: deny
#   reads:
#     - spec.project
#     - metadata.labels["tenantguard.io/tenant"]
package tenantguard.rules.application.app_project

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.common
import data.tenantguard.lib.tenant

# The rule asks its findings only of an Application that is neither the
# common one (common.application) nor in its tenant's project.
violation contains v if {
	common.application == false
	not _in_tenant_project
	some v in _violations
}

# gate holds for an Application of a Tenant (found, named by the label) in
# that Tenant's project, which is not "default": _problem has nothing to say.
# Written for lib.common's application, which is generated from every rule's
# gate (lib/common/gates.rego).
gate if {
	name := input.tenant.metadata.name
	name != ""
	input.object.metadata.labels["tenantguard.io/tenant"] == name
	project := input.object.spec.project
	project == tenant.project_for(name) # not "", as name is not
	project != "default"
}

_violations contains v if {
	app.is_application
	project := object.get(input.object, ["spec", "project"], "")
	problem := _problem(project)
	msg := sprintf(
		"%s: spec.project is %s, %s; set spec.project to %s",
		[app.display_name, lib.quote(project), problem, _fix],
	)
	v := lib.violation(rego.metadata.chain(), "spec.project", project, msg)
}

# _in_tenant_project holds for an Application in its tenant's project, when
# that project is neither empty nor "default": _problem has nothing to say then.
_in_tenant_project if {
	project := input.object.spec.project
	project == tenant.project_for(app.tenant_name)
	project != ""
	project != "default"
}

# _problem says what is wrong with the project, one reason at most.
_problem(project) := "which leaves the Application without a project" if {
	not _is_set(project)
} else := "Argo CD's unrestricted project" if {
	project == "default"
} else := sprintf("not the project of tenant %s", [lib.quote(app.tenant_name)]) if {
	project != _tenant_project
}

_is_set(project) if {
	is_string(project)
	project != ""
}

_tenant_project := tenant.project_for(app.tenant_name)

_fix := lib.quote(_tenant_project) if {
	_tenant_project
} else := "the AppProject of the team that owns the Application"
