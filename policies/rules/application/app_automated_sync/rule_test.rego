package tenantguard.rules.application.app_automated_sync_test

import data.tenantguard.rules.application.app_automated_sync as rule

_app(labels, sync) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd", "labels": labels},
	"spec": {"project": "tenant-foo", "destination": {"namespace": "tenant-foo"}, "syncPolicy": sync},
}

_foo := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": {"name": "foo"},
	"spec": {"environment": "staging"},
}

_label_foo := {"tenantguard.io/tenant": "foo"}

_review(labels, sync) := {"operation": "CREATE", "object": _app(labels, sync), "userInfo": {}}

_findings(review) := {[v.field, v.value] | some v in rule.violation with input as review}

# allowed

test_automated_with_self_heal_is_allowed if {
	count(_findings(_review(_label_foo, {"automated": {"prune": true, "selfHeal": true}}))) == 0
}

test_explicitly_enabled_with_self_heal_is_allowed if {
	count(_findings(_review(_label_foo, {"automated": {"enabled": true, "selfHeal": true}}))) == 0
}

test_tenant_found_without_label_with_self_heal_is_allowed if {
	review := object.union(_review({}, {"automated": {"selfHeal": true}}), {"tenant": _foo})
	count(_findings(review)) == 0
}

test_application_without_tenant_is_not_checked if {
	count(_findings(_review({}, {}))) == 0
	count(_findings(_review({"tenantguard.io/tenant": ""}, {}))) == 0
}

test_other_kinds_are_ignored if {
	obj := object.union(_app(_label_foo, {}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

# refused (warned)

test_missing_sync_policy_is_warned if {
	review := {"operation": "CREATE", "object": object.remove(_app(_label_foo, {}), ["spec"])}
	_findings(review) == {["spec.syncPolicy.automated", null]}
}

test_manual_sync_is_warned if {
	_findings(_review(_label_foo, {"syncOptions": ["CreateNamespace=true"]})) == {["spec.syncPolicy.automated", null]}
}

test_null_automated_is_warned if {
	_findings(_review(_label_foo, {"automated": null})) == {["spec.syncPolicy.automated", null]}
}

test_odd_sync_policy_is_warned if {
	_findings(_review(_label_foo, "auto")) == {["spec.syncPolicy.automated", null]}
	_findings(_review(_label_foo, {"automated": true})) == {["spec.syncPolicy.automated", true]}
}

test_tenant_found_without_label_manual_sync_is_warned if {
	review := object.union(_review({}, {}), {"tenant": _foo})
	_findings(review) == {["spec.syncPolicy.automated", null]}
}

test_empty_label_does_not_hide_the_tenant if {
	review := object.union(_review({"tenantguard.io/tenant": ""}, {}), {"tenant": _foo})
	_findings(review) == {["spec.syncPolicy.automated", null]}
}

test_automated_disabled_is_warned if {
	automated := {"enabled": false, "selfHeal": true}
	some v in rule.violation with input as _review(_label_foo, {"automated": automated})
	v.field == "spec.syncPolicy.automated"
	v.value == automated
	contains(v.msg, `"enabled":false`)
	contains(v.msg, "remove enabled: false")
	count(rule.violation) == 1 with input as _review(_label_foo, {"automated": automated})
}

test_empty_automated_without_self_heal_is_warned if {
	_findings(_review(_label_foo, {"automated": {}})) == {["spec.syncPolicy.automated.selfHeal", null]}
}

test_self_heal_false_is_warned if {
	_findings(_review(_label_foo, {"automated": {"prune": true, "selfHeal": false}})) == {["spec.syncPolicy.automated.selfHeal", false]}
}

test_self_heal_as_string_is_warned if {
	_findings(_review(_label_foo, {"automated": {"selfHeal": "true"}})) == {["spec.syncPolicy.automated.selfHeal", "true"]}
}

test_finding_is_a_warning_that_names_application_field_value_and_fix if {
	some v in rule.violation with input as _review(_label_foo, {"automated": {"selfHeal": false}})
	v.rule == "app-automated-sync"
	v.enforcement == "warn"
	contains(v.msg, "Application argocd/shop")
	contains(v.msg, `tenant "foo"`)
	contains(v.msg, "spec.syncPolicy.automated.selfHeal is false")
	contains(v.msg, "set spec.syncPolicy.automated.selfHeal to true")
}

test_missing_automated_message_names_fix if {
	some v in rule.violation with input as _review(_label_foo, {})
	contains(v.msg, "spec.syncPolicy.automated is not set")
	contains(v.msg, "set spec.syncPolicy.automated with selfHeal: true")
}

test_heals_is_what_the_rule_asks_for if {
	rule._heals with input as {"object": {"spec": {"syncPolicy": {"automated": {"selfHeal": true}}}}}
	not rule._heals with input as {"object": {"spec": {"syncPolicy": {"automated": {"selfHeal": true, "enabled": false}}}}}
}
