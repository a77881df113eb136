package tenantguard.rules.applicationset.appset_templated_destination_test

import data.tenantguard.rules.applicationset.appset_templated_destination as rule

_review(generator, destination) := {
	"operation": "CREATE",
	"object": {
		"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
		"metadata": {"name": "shop", "namespace": "argocd", "labels": {"tenantguard.io/tenant": "shop"}},
		"spec": {"generators": [generator], "template": {"spec": {"destination": destination}}},
	},
	"tenant": {"metadata": {"name": "shop"}, "spec": {"environment": "staging", "namespace": "tenant-shop", "destination": "https://kubernetes.default.svc"}},
}

_clusters := {"clusters": {"selector": {"matchLabels": {"env": "staging"}}}}

test_a_templated_namespace_and_server_are_refused_naming_the_tenants if {
	found := {v.field: v.msg | some v in rule.violation} with input as _review(_clusters, {"namespace": "{{name}}", "server": "{{server}}"})
	contains(found["spec.template.spec.destination.namespace"], `write the tenant's namespace, "tenant-shop", literally`)
	contains(found["spec.template.spec.destination.server"], `write the tenant's cluster, "https://kubernetes.default.svc", literally`)
}

test_a_templated_cluster_name_is_refused if {
	some v in rule.violation with input as _review(_clusters, {"name": "{{name}}", "namespace": "tenant-shop"})
	v.field == "spec.template.spec.destination.name"
	contains(v.msg, "destination.server")
}

test_without_a_tenant_the_fix_is_the_label if {
	review := json.remove(_review(_clusters, {"namespace": "{{name}}"}), ["tenant"])
	some v in rule.violation with input as review
	contains(v.msg, "label the ApplicationSet with tenantguard.io/tenant")
}

test_a_literal_destination_is_left_to_the_application_rules if {
	count(rule.violation) == 0 with input as _review(_clusters, {"namespace": "tenant-shop", "server": "https://kubernetes.default.svc"})
}

test_a_list_generator_is_rendered_instead if {
	count(rule.violation) == 0 with input as _review({"list": {"elements": []}}, {"namespace": "{{ns}}"})
}
