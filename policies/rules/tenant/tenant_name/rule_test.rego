package tenantguard.rules.tenant.tenant_name_test

import data.tenantguard.rules.tenant.tenant_name as rule

_tenant(metadata) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": metadata,
	"spec": {"environment": "staging"},
}

_review(metadata) := {"operation": "CREATE", "object": _tenant(metadata)}

_findings(metadata) := {[v.rule, v.field, v.value] | some v in rule.violation with input as _review(metadata)}

_named(name) := _findings({"name": name})

test_short_label_is_allowed if {
	count(_named("shop")) == 0
}

test_digits_and_inner_dashes_are_allowed if {
	count(_named("0-team-a-2")) == 0
}

test_name_of_exactly_max_length_is_allowed if {
	count(_named(concat("", ["a", _repeat("b", 39)]))) == 0
}

test_uppercase_is_refused if {
	_named("Shop") == {["tenant-name", "metadata.name", "Shop"]}
}

test_underscore_is_refused if {
	_named("team_a") == {["tenant-name", "metadata.name", "team_a"]}
}

test_dot_subdomain_is_refused if {
	_named("team.a") == {["tenant-name", "metadata.name", "team.a"]}
}

test_leading_dash_is_refused if {
	_named("-shop") == {["tenant-name", "metadata.name", "-shop"]}
}

test_trailing_dash_is_refused if {
	_named("shop-") == {["tenant-name", "metadata.name", "shop-"]}
}

test_trailing_newline_is_refused if {
	_named("shop\n") == {["tenant-name", "metadata.name", "shop\n"]}
}

test_non_ascii_letter_is_refused if {
	_named("shöp") == {["tenant-name", "metadata.name", "shöp"]}
}

test_empty_name_is_refused if {
	_named("") == {["tenant-name", "metadata.name", ""]}
}

test_name_over_default_max_length_is_refused if {
	name := _repeat("a", 41)
	_named(name) == {["tenant-name", "metadata.name", name]}
}

test_configured_max_length_is_refused if {
	findings := _named("shop-europe") with data.tenantguard.config as {"tenantNaming": {"maxNameLength": 10}}
	findings == {["tenant-name", "metadata.name", "shop-europe"]}
}

test_configured_max_length_is_allowed if {
	name := _repeat("a", 50)
	count(_named(name)) == 0 with data.tenantguard.config as {"tenantNaming": {"maxNameLength": 50}}
}

test_non_number_max_length_falls_back_to_default_is_refused if {
	name := _repeat("a", 41)
	findings := _named(name) with data.tenantguard.config as {"tenantNaming": {"maxNameLength": "60"}}
	findings == {["tenant-name", "metadata.name", name]}
}

test_invalid_and_too_long_name_gets_both_messages_is_refused if {
	name := _repeat("A", 41)
	msgs := [v.msg | some v in rule.violation with input as _review({"name": name})]
	count(msgs) == 2
	count([m | some m in msgs; contains(m, "is not a DNS-1123 label")]) == 1
	count([m | some m in msgs; contains(m, "more than the 40 allowed")]) == 1
}

test_generate_name_prefix_is_allowed if {
	count(_findings({"generateName": "shop-"})) == 0
}

test_generate_name_with_uppercase_is_refused if {
	_findings({"generateName": "Shop-"}) == {["tenant-name", "metadata.generateName", "Shop-"]}
}

test_generate_name_too_long_with_suffix_is_refused if {
	prefix := _repeat("a", 36)
	_findings({"generateName": prefix}) == {["tenant-name", "metadata.generateName", prefix]}
}

test_generate_name_is_ignored_when_name_is_set_is_allowed if {
	count(_findings({"name": "shop", "generateName": "Bad_"})) == 0
}

test_empty_name_with_generate_name_checks_prefix_is_refused if {
	_findings({"name": "", "generateName": "a_"}) == {["tenant-name", "metadata.generateName", "a_"]}
}

test_missing_name_is_allowed if {
	count(_findings({})) == 0
}

test_non_string_name_is_allowed if {
	count(_named(42)) == 0
}

test_other_kinds_are_ignored if {
	obj := object.union(_tenant({"name": "Bad_Name"}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_delete_without_object_is_ignored if {
	count(rule.violation) == 0 with input as {"operation": "DELETE", "oldObject": _tenant({"name": "Bad_Name"})}
}

test_pattern_message_names_tenant_field_value_and_fix if {
	some v in rule.violation with input as _review({"name": "Team_A"})
	v.rule == "tenant-name"
	v.enforcement == "deny"
	v.field == "metadata.name"
	v.value == "Team_A"
	contains(v.msg, "Tenant Team_A")
	contains(v.msg, "metadata.name")
	contains(v.msg, `"Team_A"`)
	contains(v.msg, `such as "team-a"`)
}

test_pattern_message_falls_back_to_an_example if {
	some v in rule.violation with input as _review({"name": "__"})
	contains(v.msg, `such as "team-a"`)
}

test_generate_name_message_suggests_a_prefix if {
	some v in rule.violation with input as _review({"generateName": "Shop"})
	contains(v.msg, "Tenant Shop<generated>")
	contains(v.msg, `such as "shop-"`)
}

test_generate_name_message_falls_back_to_an_example if {
	some v in rule.violation with input as _review({"generateName": "_"})
	contains(v.msg, `such as "team-a"`)
}

test_length_message_names_limit_and_fix if {
	name := _repeat("a", 45)
	some v in rule.violation with input as _review({"name": name})
	contains(v.msg, sprintf("Tenant %s", [name]))
	contains(v.msg, "is 45 characters")
	contains(v.msg, "tenantNaming.maxNameLength")
	contains(v.msg, "shorten it to at most 40 characters")
}

test_generate_name_length_message_counts_the_suffix if {
	prefix := _repeat("a", 38)
	some v in rule.violation with input as _review({"generateName": prefix})
	contains(v.msg, "of 43 characters")
	contains(v.msg, "shorten it to at most 35 characters")
}

_repeat(s, n) := concat("", [s | some _ in numbers.range(1, n)])
