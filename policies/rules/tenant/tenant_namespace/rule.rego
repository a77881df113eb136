# METADATA
# title: A Tenant owns a namespace of its own, never a system namespace
# description: |
#   The namespace a Tenant owns (spec.namespace, else the cluster config's
#   tenantNaming.namespacePrefix and its name) is where its Applications deploy
#   and where the Tenant is found by destination namespace. It is not a system
#   namespace: none starting with kube-, not default, not Argo CD's or
#   tenantguard's (argocd, the supervisor's supervisor.argocdNamespace,
#   tenantguard-system, and the namespace of every service account among the
#   cluster config's trustedIdentities), not one of
#   the cluster config's excludedNamespaces. And no other Tenant claims it
#   (input.namespaceClaims names the other Tenants owning the same namespace):
#   Tenants sharing a namespace share everything deployed there, and an
#   Application deploying there could not be told which one it belongs to. An
#   UPDATE that keeps the namespace is not judged again, so that a Tenant
#   admitted before can still be updated and deleted; tenant-immutable refuses
#   an UPDATE that changes it.
# custom:
#   id: tenant-namespace
#   enforcement: deny
#   reads:
#     - spec.namespace
#     - metadata.name
package tenantguard.rules.tenant.tenant_namespace

import data.tenantguard.lib
import data.tenantguard.lib.config.config
import data.tenantguard.lib.tenant

# The Tenant's namespace is a system namespace.
violation contains v if {
	input.object.kind == "Tenant"
	namespace := _namespace
	_system(namespace)
	msg := sprintf(
		concat("", [
			"%s: %s is %s, a system namespace (kube-*, default, ",
			"Argo CD's and tenantguard's namespaces and the cluster config's excludedNamespaces are); ",
			"a Tenant owns a namespace of its own: %s",
		]),
		[tenant.display_name(input.object), _written, lib.quote(namespace), _fix],
	)
	v := lib.violation(rego.metadata.chain(), _field, namespace, msg)
}

# Another Tenant owns the same namespace.
violation contains v if {
	input.object.kind == "Tenant"
	namespace := _namespace
	claims := input.namespaceClaims
	is_array(claims)
	count(claims) > 0
	msg := sprintf(
		"%s: %s is %s, which %s already owns; a namespace belongs to one Tenant: %s",
		[tenant.display_name(input.object), _written, lib.quote(namespace), _owners(claims), _fix],
	)
	v := lib.violation(rego.metadata.chain(), _field, namespace, msg)
}

# _namespace is the namespace the Tenant owns, when it is judged: on CREATE,
# and on UPDATE when it changes.
_namespace := namespace if {
	tenant.is_tenant(input.object)
	namespace := tenant.namespace(input.object)
	not _kept(namespace)
}

_kept(namespace) if {
	input.operation == "UPDATE"
	tenant.is_tenant(input.oldObject)
	tenant.namespace(input.oldObject) == namespace
}

# _explicit holds when the Tenant names a namespace of its own in
# spec.namespace, one its name does not give: the namespace its name gives is
# the name's finding, whether the Tenant or the defaults wrote it there.
_explicit if {
	namespace := input.object.spec.namespace
	is_string(namespace)
	namespace != ""
	namespace != tenant.namespace_for(input.object.metadata.name)
}

_field := "spec.namespace" if _explicit

else := "metadata.name"

_written := "spec.namespace" if _explicit

else := sprintf(
	"its namespace (tenantNaming.namespacePrefix %s and metadata.name)",
	[lib.quote(config.tenantNaming.namespacePrefix)],
)

# _fix suggests the default namespace of the Tenant's name when that one is
# free of the problem.
_fix := sprintf("set spec.namespace to another namespace, such as %s", [lib.quote(suggestion)]) if {
	suggestion := tenant.namespace_for(input.object.metadata.name)
	suggestion != _namespace
	not _system(suggestion)
} else := "set spec.namespace to another namespace" if {
	_explicit
} else := "name the Tenant differently, or set spec.namespace to another namespace"

_owners(claims) := sprintf("Tenant %s", [lib.quote(claims[0])]) if {
	count(claims) == 1
} else := sprintf("each of the Tenants %s", [concat(", ", [lib.quote(name) | some name in claims])])

_system(namespace) if startswith(namespace, "kube-")

_system(namespace) if namespace in {"default", "argocd", "tenantguard-system"}

_system(namespace) if namespace in config.excludedNamespaces

_system(namespace) if namespace == config.supervisor.argocdNamespace

_system(namespace) if namespace in _service_account_namespaces

# _service_account_namespaces are where the trusted service accounts run:
# Argo CD's and tenantguard's namespaces as this cluster has them.
_service_account_namespaces contains parts[2] if {
	some id in config.trustedIdentities
	is_string(id)
	parts := split(id, ":")
	count(parts) == 4
	parts[0] == "system"
	parts[1] == "serviceaccount"
}
