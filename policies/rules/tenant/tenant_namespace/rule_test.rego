package tenantguard.rules.tenant.tenant_namespace_test

import data.tenantguard.rules.tenant.tenant_namespace as rule

_tenant(name, spec) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": {"name": name},
	"spec": object.union({"environment": "staging"}, spec),
}

_review(t, claims) := {"operation": "CREATE", "object": t, "namespaceClaims": claims}

_findings(t, claims) := {[v.rule, v.field, v.value] | some v in rule.violation with input as _review(t, claims)}

_msg(t, claims) := v.msg if {
	some v in rule.violation with input as _review(t, claims)
}

test_own_namespace_is_allowed if {
	count(_findings(_tenant("shop", {}), [])) == 0
	count(_findings(_tenant("shop", {"namespace": "payments"}), [])) == 0
	count(_findings(_tenant("shop", {"namespace": "kube"}), [])) == 0
	count(_findings(_tenant("shop", {"namespace": "argocd-shop"}), [])) == 0
}

test_no_claims_given_is_allowed if {
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": _tenant("shop", {})}
}

test_system_namespaces_are_refused if {
	every namespace in ["kube-system", "kube-public", "kube-node-lease", "kube-anything", "default", "argocd", "tenantguard-system"] {
		_findings(_tenant("shop", {"namespace": namespace}), []) == {["tenant-namespace", "spec.namespace", namespace]}
	}
}

test_excluded_namespaces_are_refused if {
	findings := _findings(_tenant("shop", {"namespace": "monitoring"}), [])
		with data.tenantguard.config.excludedNamespaces as ["monitoring"]
	findings == {["tenant-namespace", "spec.namespace", "monitoring"]}
}

test_the_supervisors_argo_cd_namespace_is_refused if {
	cfg := {"supervisor": {"argocdNamespace": "gitops"}}
	_findings(_tenant("shop", {"namespace": "gitops"}), []) == {["tenant-namespace", "spec.namespace", "gitops"]} with data.tenantguard.config as cfg
}

test_namespaces_of_trusted_service_accounts_are_refused if {
	cfg := {"trustedIdentities": ["system:serviceaccount:gitops:argocd-applicationset-controller", "alice", 7, "system:serviceaccount:x"]}
	_findings(_tenant("shop", {"namespace": "gitops"}), []) == {["tenant-namespace", "spec.namespace", "gitops"]} with data.tenantguard.config as cfg
	count(_findings(_tenant("shop", {"namespace": "alice"}), [])) == 0 with data.tenantguard.config as cfg
}

test_a_default_namespace_that_is_a_system_namespace_is_refused_on_the_name if {
	cfg := {"tenantNaming": {"namespacePrefix": "", "projectPrefix": "", "maxNameLength": 40}}
	_findings(_tenant("default", {}), []) == {["tenant-namespace", "metadata.name", "default"]} with data.tenantguard.config as cfg
	msg := _msg(_tenant("default", {}), []) with data.tenantguard.config as cfg
	msg == concat("", [
		`Tenant default: its namespace (tenantNaming.namespacePrefix "" and metadata.name) is "default", a system namespace `,
		"(kube-*, default, Argo CD's and tenantguard's namespaces and the cluster config's excludedNamespaces are); ",
		"a Tenant owns a namespace of its own: name the Tenant differently, or set spec.namespace to another namespace",
	])
}

test_system_namespace_message_names_tenant_field_value_and_fix if {
	msg := _msg(_tenant("shop", {"namespace": "kube-system"}), [])
	msg == concat("", [
		`Tenant shop: spec.namespace is "kube-system", a system namespace `,
		"(kube-*, default, Argo CD's and tenantguard's namespaces and the cluster config's excludedNamespaces are); ",
		`a Tenant owns a namespace of its own: set spec.namespace to another namespace, such as "tenant-shop"`,
	])
}

test_a_namespace_another_tenant_owns_is_refused if {
	_findings(_tenant("shop", {"namespace": "shared"}), ["billing"]) == {["tenant-namespace", "spec.namespace", "shared"]}
	msg := _msg(_tenant("shop", {"namespace": "shared"}), ["billing"])
	msg == concat("", [
		`Tenant shop: spec.namespace is "shared", which Tenant "billing" already owns; `,
		`a namespace belongs to one Tenant: set spec.namespace to another namespace, such as "tenant-shop"`,
	])
}

test_every_other_owner_is_named if {
	msg := _msg(_tenant("shop", {"namespace": "shared"}), ["billing", "cart"])
	contains(msg, `which each of the Tenants "billing", "cart" already owns`)
}

test_a_default_namespace_claimed_by_another_tenant_is_refused_on_the_name if {
	_findings(_tenant("shop", {}), ["other"]) == {["tenant-namespace", "metadata.name", "tenant-shop"]}
	msg := _msg(_tenant("shop", {}), ["other"])
	contains(msg, `Tenant shop: its namespace (tenantNaming.namespacePrefix "tenant-" and metadata.name) is "tenant-shop", which Tenant "other" already owns`)
	endswith(msg, "name the Tenant differently, or set spec.namespace to another namespace")
}

# The defaults write the namespace the name gives: the finding stays the name's,
# the same before and after defaulting.
test_the_namespace_the_name_gives_is_the_names_finding_when_written_out if {
	defaulted := _tenant("shop", {"namespace": "tenant-shop"})
	_findings(defaulted, ["other"]) == {["tenant-namespace", "metadata.name", "tenant-shop"]}
	_findings(defaulted, ["other"]) == _findings(_tenant("shop", {}), ["other"])
	endswith(_msg(defaulted, ["other"]), "name the Tenant differently, or set spec.namespace to another namespace")
}

test_both_problems_are_reported if {
	count(rule.violation) == 2 with input as _review(_tenant("shop", {"namespace": "default"}), ["other"])
}

test_update_keeping_the_namespace_is_not_judged_again if {
	old := _tenant("shop", {"namespace": "shared"})
	new := object.union(old, {"metadata": {"labels": {"team": "a"}}})
	count(rule.violation) == 0 with input as {"operation": "UPDATE", "object": new, "oldObject": old, "namespaceClaims": ["billing"]}
	count(rule.violation) == 0 with input as {"operation": "UPDATE", "object": _tenant("shop", {"namespace": "default"}), "oldObject": _tenant("shop", {"namespace": "default"}), "namespaceClaims": []}
}

test_update_changing_the_namespace_is_judged if {
	old := _tenant("shop", {})
	new := _tenant("shop", {"namespace": "shared"})
	findings := {v.field | some v in rule.violation with input as {"operation": "UPDATE", "object": new, "oldObject": old, "namespaceClaims": ["billing"]}}
	findings == {"spec.namespace"}
}

test_other_kinds_and_unnamed_tenants_are_ignored if {
	obj := object.union(_tenant("shop", {"namespace": "default"}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as _review(obj, ["x"])
	other_group := object.union(_tenant("shop", {"namespace": "default"}), {"apiVersion": "example.com/v1"})
	count(rule.violation) == 0 with input as _review(other_group, ["x"])
	unnamed := json.remove(_tenant("shop", {}), ["metadata/name"])
	count(rule.violation) == 0 with input as _review(unnamed, ["x"])
}

test_deletion_is_not_judged if {
	count(rule.violation) == 0 with input as {"operation": "DELETE", "oldObject": _tenant("shop", {"namespace": "default"}), "namespaceClaims": ["x"]}
}
