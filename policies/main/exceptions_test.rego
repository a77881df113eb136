package tenantguard.main_test

import data.tenantguard.main

# An exception for app-pinned-revision on the Application "shop" in argocd,
# until noon; the review is judged at _morning or _afternoon.
_exception(name, match) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "PolicyException",
	"metadata": {"name": name},
	"spec": {
		"rules": ["app-pinned-revision"],
		"match": match,
		"reason": "INC-4211: hold production on the last good commit",
		"requestedBy": "alice",
		"expires": "2026-12-06T12:00:00Z",
	},
}

_shop := {"kind": "Application", "namespace": "argocd", "names": ["shop"]}

_morning := "2026-12-06T11:59:59Z"

_afternoon := "2026-12-06T12:00:00Z"

_judged(exceptions, now) := _judged_with(_pinned, exceptions, now, {})

# _judged_with judges manifest with the exceptions at now, under config.
_judged_with(manifest, exceptions, now, config) := findings if {
	review := main.manifest_review(manifest) with data.tenantguard.exceptions as exceptions
		with data.tenantguard.now as now
	findings := main.violations with input as review with data.tenantguard.config as config
}

test_exception_in_force_waives_the_finding_and_names_itself if {
	[v] := [v | some v in _judged([_exception("inc-4211", _shop)], _morning)]
	v.rule == "app-pinned-revision"
	v.enforcement == "deny"
	v.waivedBy == {"name": "inc-4211", "expires": "2026-12-06T12:00:00Z", "reason": "INC-4211: hold production on the last good commit"}
	review := main.manifest_review(_pinned) with data.tenantguard.exceptions as [_exception("inc-4211", _shop)]
		with data.tenantguard.now as _morning
	count(main.deny) == 0 with input as review
	count(main.waived) == 1 with input as review
}

test_expired_exception_waives_nothing if {
	[v] := [v | some v in _judged([_exception("inc-4211", _shop)], _afternoon)]
	not v.waivedBy
}

test_without_a_clock_nothing_is_waived if {
	findings := main.violations with input as main.manifest_review(_pinned)
		with data.tenantguard.exceptions as [_exception("inc-4211", _shop)]
	[v] := [v | some v in findings]
	not v.waivedBy
}

test_exception_for_another_object_or_rule_waives_nothing if {
	other_name := object.union(_shop, {"names": ["cart"]})
	other_namespace := object.union(_shop, {"namespace": "apps"})
	other_kind := object.union(_shop, {"kind": "ApplicationSet"})
	other_tenant := object.union(_shop, {"tenant": "cart"})
	other_rule := json.patch(_exception("x", _shop), [{"op": "replace", "path": "/spec/rules", "value": ["app-project"]}])
	some exceptions in [
		[_exception("x", other_name)], [_exception("x", other_namespace)], [_exception("x", other_kind)],
		[_exception("x", other_tenant)], [other_rule],
	]
	[v] := [v | some v in _judged(exceptions, _morning)]
	not v.waivedBy
}

test_the_first_exception_by_name_is_named if {
	[v] := [v | some v in _judged([_exception("b", _shop), _exception("a", _shop)], _morning)]
	v.waivedBy.name == "a"
}

test_exception_by_tenant_label_waives if {
	labelled := object.union(_pinned, {"metadata": {"labels": {"tenantguard.io/tenant": "shop"}}})
	findings := _judged_with(labelled, [_exception("t", {"kind": "Application", "tenant": "shop"})], _morning, {})
	some v in findings
	v.rule == "app-pinned-revision"
	v.waivedBy.name == "t"
}

test_wide_match_waives_only_when_the_config_allows if {
	wide := [_exception("wide", {"kind": "Application"})]
	[v] := [v | some v in _judged(wide, _morning)]
	not v.waivedBy
	findings := _judged_with(_pinned, wide, _morning, {"exceptions": {"allowWideMatch": true}})
	some w in findings
	w.waivedBy.name == "wide"
}

test_never_waivable_rule_is_not_waived if {
	config := {"exceptions": {"neverWaivable": ["app-pinned-revision"]}}
	findings := _judged_with(_pinned, [_exception("inc-4211", _shop)], _morning, config)
	[v] := [v | some v in findings]
	not v.waivedBy
}
