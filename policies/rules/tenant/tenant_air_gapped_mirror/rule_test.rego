package tenantguard.rules.tenant.tenant_air_gapped_mirror_test

import data.tenantguard.rules.tenant.tenant_air_gapped_mirror as rule

_tenant(spec) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": {"name": "vault"},
	"spec": object.union({"environment": "production"}, spec),
}

_review(spec) := {"operation": "CREATE", "object": _tenant(spec)}

_findings(spec) := {[v.rule, v.field, v.value] | some v in rule.violation with input as _review(spec)}

_air_gapped(mirror) := _findings({"airGapped": true, "registryMirror": mirror})

_msg(spec) := v.msg if {
	some v in rule.violation with input as _review(spec)
}

test_air_gapped_with_host_port_and_path_is_allowed if {
	count(_air_gapped("mirror.example.com:5000/tenants")) == 0
}

test_air_gapped_with_plain_host_is_allowed if {
	count(_air_gapped("mirror.example.com")) == 0
}

test_air_gapped_with_nested_path_is_allowed if {
	count(_air_gapped("registry.internal/mirrors/docker.io")) == 0
}

test_air_gapped_with_cluster_default_is_allowed if {
	count(_findings({"airGapped": true})) == 0 with data.tenantguard.config as {"defaults": {"registryMirror": "mirror.corp:5000"}}
}

test_air_gapped_with_empty_mirror_and_cluster_default_is_allowed if {
	findings := _findings({"airGapped": true, "registryMirror": ""})
		with data.tenantguard.config as {"defaults": {"registryMirror": "mirror.corp"}}
	count(findings) == 0
}

test_not_air_gapped_without_mirror_is_allowed if {
	count(_findings({"airGapped": false})) == 0
	count(_findings({})) == 0
}

test_not_air_gapped_with_valid_mirror_is_allowed if {
	count(_findings({"registryMirror": "mirror.example.com"})) == 0
}

test_air_gapped_without_mirror_is_refused if {
	_findings({"airGapped": true}) == {["tenant-air-gapped-mirror", "spec.registryMirror", ""]}
}

test_air_gapped_with_empty_mirror_is_refused if {
	_air_gapped("") == {["tenant-air-gapped-mirror", "spec.registryMirror", ""]}
}

test_air_gapped_with_null_mirror_is_refused if {
	_air_gapped(null) == {["tenant-air-gapped-mirror", "spec.registryMirror", null]}
}

test_air_gapped_with_invalid_cluster_default_is_refused if {
	findings := _findings({"airGapped": true}) with data.tenantguard.config as {"defaults": {"registryMirror": "https://mirror.corp"}}
	findings == {["tenant-air-gapped-mirror", "spec.registryMirror", "https://mirror.corp"]}
}

test_not_air_gapped_ignores_invalid_cluster_default_is_allowed if {
	count(_findings({})) == 0 with data.tenantguard.config as {"defaults": {"registryMirror": "https://mirror.corp"}}
}

test_scheme_is_refused if {
	_air_gapped("https://mirror.example.com") == {["tenant-air-gapped-mirror", "spec.registryMirror", "https://mirror.example.com"]}
}

test_scheme_is_refused_when_not_air_gapped if {
	_findings({"registryMirror": "http://mirror.example.com"}) == {["tenant-air-gapped-mirror", "spec.registryMirror", "http://mirror.example.com"]}
}

test_tag_is_refused if {
	_air_gapped("mirror.example.com/tenants:1.2") == {["tenant-air-gapped-mirror", "spec.registryMirror", "mirror.example.com/tenants:1.2"]}
}

test_digest_is_refused if {
	mirror := "mirror.example.com/app@sha256:0123abcd"
	_air_gapped(mirror) == {["tenant-air-gapped-mirror", "spec.registryMirror", mirror]}
}

test_uppercase_is_refused if {
	_air_gapped("Mirror.Example.com") == {["tenant-air-gapped-mirror", "spec.registryMirror", "Mirror.Example.com"]}
}

test_trailing_slash_is_refused if {
	_air_gapped("mirror.example.com/") == {["tenant-air-gapped-mirror", "spec.registryMirror", "mirror.example.com/"]}
}

test_six_digit_port_is_refused if {
	_air_gapped("mirror.example.com:500000") == {["tenant-air-gapped-mirror", "spec.registryMirror", "mirror.example.com:500000"]}
}

test_whitespace_and_newline_are_refused if {
	_air_gapped(" mirror.example.com") == {["tenant-air-gapped-mirror", "spec.registryMirror", " mirror.example.com"]}
	_air_gapped("mirror.example.com\n") == {["tenant-air-gapped-mirror", "spec.registryMirror", "mirror.example.com\n"]}
}

test_invalid_mirror_is_reported_once_even_with_cluster_default if {
	findings := _air_gapped("https://mirror.example.com") with data.tenantguard.config as {"defaults": {"registryMirror": "mirror.corp"}}
	count(findings) == 1
}

test_air_gapped_as_string_is_ignored if {
	count(_findings({"airGapped": "true"})) == 0
}

test_non_string_mirror_is_ignored if {
	count(_air_gapped(5000)) == 0
}

test_other_kinds_are_ignored if {
	obj := object.union(_tenant({"airGapped": true}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_missing_mirror_message_names_tenant_field_and_fix if {
	some v in rule.violation with input as _review({"airGapped": true})
	v.rule == "tenant-air-gapped-mirror"
	v.enforcement == "deny"
	contains(v.msg, "Tenant vault")
	contains(v.msg, "spec.airGapped is true")
	contains(v.msg, "spec.registryMirror is empty")
	contains(v.msg, "defaults.registryMirror")
	contains(v.msg, `set spec.registryMirror`)
}

test_scheme_message_names_tenant_field_value_and_fix if {
	msg := _msg({"registryMirror": "https://mirror.example.com"})
	contains(msg, "Tenant vault: spec.registryMirror")
	contains(msg, `"https://mirror.example.com"`)
	contains(msg, "drop the scheme")
	contains(msg, `"mirror.example.com:5000/tenants"`)
}

test_uppercase_message_asks_for_lowercase if {
	contains(_msg({"registryMirror": "Mirror.corp"}), "lowercase")
}

test_tag_message_asks_to_drop_the_tag if {
	contains(_msg({"registryMirror": "mirror.corp/app:v1"}), "drop the tag")
}

test_other_invalid_message_describes_the_form if {
	contains(_msg({"registryMirror": "mirror.corp/"}), "trailing '/'")
}

test_invalid_default_message_names_the_default if {
	msg := _msg({"airGapped": true}) with data.tenantguard.config as {"defaults": {"registryMirror": "Mirror.corp"}}
	contains(msg, `cluster default defaults.registryMirror "Mirror.corp"`)
}

test_unnamed_tenant_is_refused if {
	obj := json.remove(_tenant({"airGapped": true}), ["metadata/name"])
	some v in rule.violation with input as {"operation": "CREATE", "object": obj}
	startswith(v.msg, "Tenant <unnamed>: ")
}
