package tenantguard.lib.tenant_test

import data.tenantguard.lib.tenant

_tenant(spec) := {"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": {"name": "shop"}, "spec": spec}

test_is_tenant if {
	tenant.is_tenant(_tenant({}))
	not tenant.is_tenant(object.union(_tenant({}), {"apiVersion": "example.com/v1"}))
	not tenant.is_tenant(object.union(_tenant({}), {"kind": "Application"}))
}

test_namespace_is_spec_namespace_else_prefix_and_name if {
	tenant.namespace(_tenant({"namespace": "payments"})) == "payments"
	tenant.namespace(_tenant({})) == "tenant-shop"
	tenant.namespace(_tenant({"namespace": ""})) == "tenant-shop"
	tenant.namespace(_tenant({"namespace": 7})) == "tenant-shop"
	tenant.namespace(_tenant({})) == "t-shop" with data.tenantguard.config.tenantNaming as {"namespacePrefix": "t-"}
	not tenant.namespace({"metadata": {"name": 7}, "spec": {}})
}

test_owned_namespace_names_the_tenant_by_its_key if {
	tenant.owned_namespace("cart", _tenant({})) == "tenant-cart"
	tenant.owned_namespace("cart", _tenant({"namespace": "payments"})) == "payments"
}

test_project_destination_arch_and_environment if {
	tenant.project_for("shop") == "tenant-shop"
	tenant.destination(_tenant({})) == "https://kubernetes.default.svc"
	tenant.destination(_tenant({"destination": "prod-cluster"})) == "prod-cluster"
	tenant.arch(_tenant({})) == "amd64"
	tenant.arch(_tenant({"arch": "arm64"})) == "arm64"
	tenant.environment(_tenant({"environment": "production"})) == "production"
}

test_display_name if {
	tenant.display_name(_tenant({})) == "Tenant shop"
	tenant.display_name({"metadata": {}}) == "Tenant <unnamed>"
	tenant.display_name({"metadata": {"name": 7}}) == "Tenant 7"
}
