package tenantguard.rules.application.app_tenant_destination_test

import data.tenantguard.rules.application.app_tenant_destination as rule

_app(labels, destination) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd", "labels": labels},
	"spec": {
		"project": "tenant-foo",
		"source": {"repoURL": "https://git.example.com/platform.git", "path": "staging/foo"},
		"destination": destination,
	},
}

_tenant(name, spec) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": {"name": name},
	"spec": spec,
}

_foo := _tenant("foo", {"environment": "staging"})

_home := {"server": "https://kubernetes.default.svc", "namespace": "tenant-foo"}

_label_foo := {"tenantguard.io/tenant": "foo"}

_review(labels, destination) := {"operation": "CREATE", "object": _app(labels, destination), "userInfo": {}}

_review_with(labels, destination, t) := object.union(_review(labels, destination), {"tenant": t})

_fields(review) := {v.field | some v in rule.violation with input as review}

# allowed

test_own_namespace_and_in_cluster_server_by_label_is_allowed if {
	count(_fields(_review(_label_foo, _home))) == 0
}

test_own_namespace_with_tenant_and_no_label_is_allowed if {
	count(_fields(_review_with({}, _home, _foo))) == 0
}

test_in_cluster_name_equals_default_server_is_allowed if {
	count(_fields(_review(_label_foo, {"name": "in-cluster", "namespace": "tenant-foo"}))) == 0
}

test_tenant_custom_namespace_and_destination_is_allowed if {
	t := _tenant("foo", {"namespace": "foo-apps", "destination": "https://eu-1.example.com"})
	count(_fields(_review_with(_label_foo, {"server": "https://eu-1.example.com", "namespace": "foo-apps"}, t))) == 0
}

test_tenant_named_cluster_is_allowed if {
	t := _tenant("foo", {"destination": "eu-1"})
	count(_fields(_review_with(_label_foo, {"name": "eu-1", "namespace": "tenant-foo"}, t))) == 0
}

test_tenant_in_cluster_name_accepts_default_server if {
	t := _tenant("foo", {"destination": "in-cluster"})
	count(_fields(_review_with(_label_foo, _home, t))) == 0
}

test_empty_label_does_not_hide_the_tenant_and_is_allowed if {
	count(_fields(_review_with({"tenantguard.io/tenant": ""}, _home, _foo))) == 0
}

test_configured_namespace_prefix_is_allowed if {
	review := _review(_label_foo, {"server": "https://kubernetes.default.svc", "namespace": "t-foo"})
	fields := _fields(review) with data.tenantguard.config as {"tenantNaming": {"namespacePrefix": "t-"}}
	count(fields) == 0
}

test_configured_default_destination_is_allowed if {
	review := _review(_label_foo, {"server": "https://hub.example.com", "namespace": "tenant-foo"})
	fields := _fields(review) with data.tenantguard.config as {"defaults": {"destination": "https://hub.example.com"}}
	count(fields) == 0
}

test_application_without_tenant_is_not_checked if {
	count(_fields(_review({}, {"server": "https://other.example.com", "namespace": "kube-system"}))) == 0
}

test_other_kinds_are_ignored if {
	obj := object.union(_app(_label_foo, {"namespace": "tenant-bar"}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_odd_input_does_not_fire_or_error if {
	odd := {
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": {"name": "shop", "labels": "nope"}, "spec": "nope",
	}
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": odd}
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": 42, "tenant": "foo"}
}

# The Application as the supervisor writes it, found by its label with the
# Tenant's own namespace, which the rule passes without looking further, and
# the same Application one field away from it.
_found := {"label": "foo", "namespace": "tenant-foo", "matches": ["foo"]}

_written := _tenant("foo", {"environment": "staging", "namespace": "tenant-foo"})

_supervised(destination, t) := object.union(_review_with(_label_foo, destination, t), {"tenantLookup": _found})

test_the_supervisors_application_is_allowed if {
	count(_fields(_supervised(_home, _written))) == 0
}

test_one_field_away_from_the_supervisors_application_is_refused if {
	_fields(_supervised({"server": "https://kubernetes.default.svc", "namespace": "tenant-bar"}, _written)) == {"spec.destination.namespace"}
	_fields(_supervised(object.union(_home, {"name": "prod"}), _written)) == {"spec.destination.name"}
	_fields(_supervised(_home, object.union(_written, {"spec": {"destination": "https://eu-1.example.com"}}))) == {"spec.destination.server"}
	_fields(_supervised({"server": "https://prod.example.com", "namespace": "tenant-foo"}, _written)) == {"spec.destination.server"}
	review := object.union(_supervised(_home, _written), {"object": {"metadata": {"labels": {"tenantguard.io/tenant": "bar"}}}})
	_fields(review) == {`metadata.labels["tenantguard.io/tenant"]`}
}

# refused

test_namespace_of_another_tenant_is_refused if {
	_fields(_review(_label_foo, {"server": "https://kubernetes.default.svc", "namespace": "tenant-bar"})) == {"spec.destination.namespace"}
}

test_namespace_of_another_tenant_with_tenant_given_is_refused if {
	review := _review_with(_label_foo, {"server": "https://kubernetes.default.svc", "namespace": "tenant-bar"}, _foo)
	_fields(review) == {"spec.destination.namespace"}
}

test_label_naming_another_tenant_is_refused if {
	review := _review_with({"tenantguard.io/tenant": "bar"}, _home, _foo)
	_fields(review) == {`metadata.labels["tenantguard.io/tenant"]`}
}

test_label_naming_another_tenant_with_its_namespace_is_refused_twice if {
	review := _review_with({"tenantguard.io/tenant": "bar"}, {"server": "https://kubernetes.default.svc", "namespace": "tenant-bar"}, _foo)
	_fields(review) == {`metadata.labels["tenantguard.io/tenant"]`, "spec.destination.namespace"}
}

test_wrong_cluster_server_is_refused if {
	_fields(_review(_label_foo, {"server": "https://prod.example.com", "namespace": "tenant-foo"})) == {"spec.destination.server"}
}

test_wrong_cluster_server_against_tenant_destination_is_refused if {
	t := _tenant("foo", {"destination": "https://eu-1.example.com"})
	_fields(_review_with(_label_foo, _home, t)) == {"spec.destination.server"}
}

test_wrong_cluster_name_is_refused if {
	_fields(_review(_label_foo, {"name": "prod", "namespace": "tenant-foo"})) == {"spec.destination.name"}
}

test_right_server_with_wrong_name_is_refused if {
	review := _review(_label_foo, {"server": "https://kubernetes.default.svc", "name": "prod", "namespace": "tenant-foo"})
	_fields(review) == {"spec.destination.name"}
}

test_missing_cluster_is_refused if {
	_fields(_review(_label_foo, {"namespace": "tenant-foo"})) == {"spec.destination.server"}
}

test_missing_destination_namespace_is_refused if {
	some v in rule.violation with input as _review(_label_foo, {"server": "https://kubernetes.default.svc"})
	v.field == "spec.destination.namespace"
	v.value == ""
	contains(v.msg, `set spec.destination.namespace to "tenant-foo"`)
}

test_missing_destination_is_refused if {
	review := {"operation": "CREATE", "object": object.remove(_app(_label_foo, {}), ["spec"])}
	_fields(review) == {"spec.destination.namespace", "spec.destination.server"}
}

test_label_namespace_is_not_the_tenant_spec_namespace_is_refused if {
	t := _tenant("foo", {"namespace": "foo-apps"})
	_fields(_review_with(_label_foo, _home, t)) == {"spec.destination.namespace"}
}

test_empty_label_without_tenant_is_not_a_tenant if {
	count(_fields(_review({"tenantguard.io/tenant": ""}, {"namespace": "anything"}))) == 0
}

# findings

test_namespace_message_names_application_field_value_and_fix if {
	some v in rule.violation with input as _review(_label_foo, {"server": "https://kubernetes.default.svc", "namespace": "tenant-bar"})
	v.rule == "app-tenant-destination"
	v.enforcement == "deny"
	v.value == "tenant-bar"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, "spec.destination.namespace")
	contains(v.msg, `"tenant-bar"`)
	contains(v.msg, `tenant "foo"`)
	contains(v.msg, `set spec.destination.namespace to "tenant-foo"`)
}

test_label_message_names_both_tenants if {
	some v in rule.violation with input as _review_with({"tenantguard.io/tenant": "bar"}, _home, _foo)
	v.value == "bar"
	contains(v.msg, `metadata.labels["tenantguard.io/tenant"] is "bar"`)
	contains(v.msg, `tenant "foo"`)
}

test_server_message_names_fix if {
	some v in rule.violation with input as _review(_label_foo, {"server": "https://prod.example.com", "namespace": "tenant-foo"})
	v.value == "https://prod.example.com"
	contains(v.msg, `spec.destination.server is "https://prod.example.com"`)
	contains(v.msg, `set spec.destination.server to "https://kubernetes.default.svc"`)
}

test_named_cluster_message_names_fix if {
	t := _tenant("foo", {"destination": "eu-1"})
	some v in rule.violation with input as _review_with(_label_foo, {"name": "prod", "namespace": "tenant-foo"}, t)
	v.field == "spec.destination.name"
	contains(v.msg, `set spec.destination.name to "eu-1"`)
}

test_non_string_tenant_destination_does_not_error if {
	t := _tenant("foo", {"destination": 8, "namespace": 7})
	_fields(_review_with(_label_foo, {"server": "https://prod.example.com", "namespace": "tenant-foo"}, t)) == {"spec.destination.server"}
}

# A tenant label, namespace or cluster that is not a string is printed as its
# JSON text, never as %q prints it (123 as '{').

_label_message(label) := v.msg if {
	some v in rule.violation with input as _review_with({"tenantguard.io/tenant": label}, _home, _foo)
	v.field == `metadata.labels["tenantguard.io/tenant"]`
}

test_numeric_tenant_label_is_printed_as_a_number if {
	msg := _label_message(123)
	contains(msg, `Application argocd/shop: metadata.labels["tenantguard.io/tenant"] is 123, but the Application belongs to tenant "foo"`)
	contains(msg, `set metadata.labels["tenantguard.io/tenant"] to "foo", or deploy to tenant 123's own namespace instead`)
	not contains(msg, "'{'")
	not contains(msg, "%!")
}

test_boolean_tenant_label_is_printed_as_a_boolean if {
	msg := _label_message(true)
	contains(msg, `metadata.labels["tenantguard.io/tenant"] is true, but`)
	contains(msg, "deploy to tenant true's own namespace")
}

test_object_tenant_label_is_printed_as_json if {
	msg := _label_message({"a": 1})
	contains(msg, `metadata.labels["tenantguard.io/tenant"] is {"a":1}, but`)
	contains(msg, `deploy to tenant {"a":1}'s own namespace`)
}

test_very_long_tenant_label_is_shortened if {
	long := concat("", [x | some _ in numbers.range(1, 5000); x := "b"])
	msg := _label_message(long)
	contains(msg, concat("", [` is "`, substring(long, 0, 256), `…", but`]))
	not contains(msg, substring(long, 0, 257))
	count(msg) < 1000
}

test_non_string_destination_namespace_and_server_are_printed_as_json if {
	msgs := {v.field: v.msg | some v in rule.violation with input as _review(_label_foo, {"server": 42, "namespace": 7})}
	contains(msgs["spec.destination.namespace"], `spec.destination.namespace is 7, not the namespace of tenant "foo"`)
	contains(msgs["spec.destination.server"], `spec.destination.server is 42, not the cluster of tenant "foo"`)
}

# the Tenant lookup: never a guess

_looked_up(labels, destination, lookup) := object.union(_review(labels, destination), {"tenantLookup": lookup})

_ghost := {"label": "ghost", "namespace": "tenant-ghost", "matches": []}

test_label_naming_no_tenant_is_refused if {
	review := _looked_up({"tenantguard.io/tenant": "ghost"}, {"server": "https://kubernetes.default.svc", "namespace": "tenant-ghost"}, _ghost)
	{[v.field, v.value] | some v in rule.violation with input as review} == {[`metadata.labels["tenantguard.io/tenant"]`, "ghost"]}
	some v in rule.violation with input as review
	v.msg == concat("", [
		`Application argocd/shop: metadata.labels["tenantguard.io/tenant"] is "ghost", but there is no Tenant "ghost"; `,
		`create Tenant "ghost" first, or set the label to the tenant the Application belongs to `,
		"(or remove it, and the Tenant owning spec.destination.namespace is used)",
	])
}

test_label_naming_no_tenant_does_not_guess_its_namespace if {
	review := _looked_up({"tenantguard.io/tenant": "ghost"}, {"server": "https://kubernetes.default.svc", "namespace": "elsewhere"}, _ghost)
	_fields(review) == {`metadata.labels["tenantguard.io/tenant"]`}
}

test_label_naming_an_existing_tenant_is_allowed if {
	lookup := {"label": "foo", "namespace": "tenant-foo", "matches": ["foo"]}
	count(_fields(object.union(_looked_up(_label_foo, _home, lookup), {"tenant": _foo}))) == 0
}

test_namespace_owned_by_several_tenants_is_refused if {
	lookup := {"label": "", "namespace": "shared", "matches": ["a", "b"]}
	review := _looked_up({}, {"server": "https://kubernetes.default.svc", "namespace": "shared"}, lookup)
	{[v.field, v.value] | some v in rule.violation with input as review} == {["spec.destination.namespace", "shared"]}
	some v in rule.violation with input as review
	v.msg == concat("", [
		`Application argocd/shop: spec.destination.namespace "shared" is owned by 2 Tenants ("a", "b"), `,
		`so the Application's tenant is ambiguous; set metadata.labels["tenantguard.io/tenant"] to the one it belongs to`,
	])
}

test_namespace_owned_by_no_tenant_or_one_is_not_ambiguous if {
	none := {"label": "", "namespace": "free", "matches": []}
	count(_fields(_looked_up({}, {"server": "https://kubernetes.default.svc", "namespace": "free"}, none))) == 0
	one := {"label": "", "namespace": "tenant-foo", "matches": ["foo"]}
	count(_fields(object.union(_looked_up({}, _home, one), {"tenant": _foo}))) == 0
}

test_without_a_lookup_the_label_is_trusted_as_before if {
	_fields(_review({"tenantguard.io/tenant": "ghost"}, {"server": "https://kubernetes.default.svc", "namespace": "elsewhere"})) == {"spec.destination.namespace"}
}
