# METADATA
# title: Applications deploy only to their tenant's namespace and cluster
# description: |
#   An Application of a tenant (by its tenantguard.io/tenant label, else by the
#   Tenant found for it) deploys into that tenant's namespace (the Tenant's
#   spec.namespace, else the namespace prefix and the tenant name) on that
#   tenant's cluster (the Tenant's spec.destination, else the cluster config's
#   defaults.destination); destination name in-cluster is the same cluster as
#   https://kubernetes.default.svc. A tenant label that names another tenant than
#   the Tenant found for the Application is refused, so that an Application
#   cannot borrow another tenant's identity. The Tenant is never guessed: a
#   tenant label that names no Tenant is refused (create the Tenant first), and
#   so is an Application without a tenant label whose destination namespace is
#   owned by two or more Tenants (set the label to say which); both are read
#   from how the runner looked the Tenant up (input.tenantLookup).
# custom:
#   id: app-tenant-destination
#   enforcement: deny
#   reads:
#     - metadata.labels["tenantguard.io/tenant"]
#     - spec.destination.namespace
#     - spec.destination.server
#     - spec.destination.name
package tenantguard.rules.application.app_tenant_destination

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.common
import data.tenantguard.lib.config.config
import data.tenantguard.lib.tenant

_in_cluster := "https://kubernetes.default.svc"

_label := `metadata.labels["tenantguard.io/tenant"]`

# The rule asks its findings only of an Application that is neither the
# common one (common.application) nor gated.
violation contains v if {
	common.application == false
	not gate
	some v in _violations
}

# gate holds for an Application whose Tenant was found by its label (which
# names it) and that deploys to the Tenant's own spec.namespace on the
# Tenant's cluster (its spec.destination, else the cluster's default), by
# server alone: none of the findings below can hold then, and the rule stops
# here. Written in positive checks and read by lib.common's application,
# which is generated from every rule's gate (lib/common/gates.rego).
gate if {
	name := input.tenant.metadata.name
	input.tenantLookup.label == name # a string, so name is a tenant name
	name != ""
	input.tenantLookup.matches[0] == name
	input.object.metadata.labels["tenantguard.io/tenant"] == name
	namespace := input.tenant.spec.namespace
	is_string(namespace)
	namespace != ""
	server := object.get(input.tenant.spec, "destination", config.defaults.destination) # tenant.destination
	input.object.spec.destination == {"namespace": namespace, "server": server} # no name
	is_string(server)
	server != ""
}

# A tenant label that names another tenant than the Tenant under review.
_violations contains v if {
	app.is_application
	owner := _given_tenant_name
	label := app.labels["tenantguard.io/tenant"]
	label != ""
	label != owner
	msg := sprintf(
		concat("", [
			"%s: %s is %s, but the Application belongs to tenant %s; ",
			"an Application cannot name another tenant: set %s to %s, or deploy to tenant %s's own namespace instead",
		]),
		[app.display_name, _label, lib.quote(label), lib.quote(owner), _label, lib.quote(owner), lib.quote(label)],
	)
	v := lib.violation(rego.metadata.chain(), _label, label, msg)
}

# The tenant label names a Tenant that does not exist.
_violations contains v if {
	app.is_application
	label := _unknown_label
	msg := sprintf(
		concat("", [
			"%s: %s is %s, but there is no Tenant %s; ",
			"create Tenant %s first, or set the label to the tenant the Application belongs to (or remove it, ",
			"and the Tenant owning spec.destination.namespace is used)",
		]),
		[app.display_name, _label, lib.quote(label), lib.quote(label), lib.quote(label)],
	)
	v := lib.violation(rego.metadata.chain(), _label, label, msg)
}

# Without a tenant label, two or more Tenants own the destination namespace.
_violations contains v if {
	app.is_application
	lookup := input.tenantLookup
	lookup.label == ""
	owners := lookup.matches
	count(owners) > 1
	names := concat(", ", [lib.quote(name) | some name in owners])
	msg := sprintf(
		concat("", [
			"%s: spec.destination.namespace %s is owned by %d Tenants (%s), so the Application's tenant is ambiguous; ",
			"set %s to the one it belongs to",
		]),
		[app.display_name, lib.quote(lookup.namespace), count(owners), names, _label],
	)
	v := lib.violation(rego.metadata.chain(), "spec.destination.namespace", lookup.namespace, msg)
}

# The destination namespace is not the tenant's. Not said when the labelled
# Tenant does not exist: its namespace would be a guess.
_violations contains v if {
	app.is_application
	not _unknown_label
	expected := _namespace
	namespace := app.destination_namespace
	namespace != expected
	msg := sprintf(
		"%s: spec.destination.namespace is %s, not the namespace of tenant %s; set spec.destination.namespace to %s",
		[app.display_name, lib.quote(namespace), lib.quote(_owner), lib.quote(expected)],
	)
	v := lib.violation(rego.metadata.chain(), "spec.destination.namespace", namespace, msg)
}

# A destination server or name that is not the tenant's cluster.
_violations contains v if {
	app.is_application
	some key in ["server", "name"]
	cluster := input.object.spec.destination[key]
	cluster != ""
	expected := _destination
	cluster != expected
	_canonical(cluster) != _canonical(expected)
	field := sprintf("spec.destination.%s", [key])
	msg := sprintf(
		"%s: %s is %s, not the cluster of tenant %s; %s",
		[app.display_name, field, lib.quote(cluster), lib.quote(_owner), _fix_cluster(expected)],
	)
	v := lib.violation(rego.metadata.chain(), field, cluster, msg)
}

# No destination cluster at all.
_violations contains v if {
	app.is_application
	object.get(input.object, ["spec", "destination", "server"], "") == ""
	object.get(input.object, ["spec", "destination", "name"], "") == ""
	expected := _destination
	msg := sprintf(
		"%s: spec.destination.server is %q and spec.destination.name is not set either; %s",
		[app.display_name, "", _fix_cluster(expected)],
	)
	v := lib.violation(rego.metadata.chain(), "spec.destination.server", "", msg)
}

# _unknown_label is the tenant label when the Tenant lookup found no Tenant of
# that name.
_unknown_label := lookup.label if {
	lookup := input.tenantLookup
	is_string(lookup.label)
	lookup.label != ""
	lookup.matches == []
}

# _given_tenant_name is the name of the Tenant found for the Application (input.tenant).
_given_tenant_name := name if {
	name := input.tenant.metadata.name
	is_string(name)
}

# _owner is the tenant whose namespace and cluster the Application must use.
_owner := name if {
	name := _given_tenant_name
} else := app.tenant_name

# _namespace is the tenant's namespace: the Tenant's when it is known (and
# named: tenant.namespace errors on a name that is not a string), else the
# default namespace of the labelled tenant.
_namespace := ns if {
	_given_tenant_name
	ns := tenant.namespace(input.tenant)
} else := tenant.namespace_for(app.tenant_name)

# _destination is the tenant's cluster; defined only for an Application of a tenant.
_destination := dest if {
	app.tenant_name
	is_object(input.tenant)
	dest := tenant.destination(input.tenant)
} else := config.defaults.destination if {
	app.tenant_name
}

_canonical(cluster) := _in_cluster if {
	cluster == "in-cluster"
} else := cluster

_fix_cluster(expected) := sprintf(
	"set spec.destination.server to %s and remove spec.destination.name",
	[lib.quote(expected)],
) if {
	is_string(expected)
	contains(expected, "://")
} else := sprintf("set spec.destination.name to %s and remove spec.destination.server", [lib.quote(expected)])
