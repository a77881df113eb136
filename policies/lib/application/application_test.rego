package tenantguard.lib.application_test

import data.tenantguard.lib.application as app

_app(labels, spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd", "labels": labels},
	"spec": spec,
}

_tenant(name, environment) := {"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": {"name": name}, "spec": {"environment": environment}}

_git(path) := {"repoURL": "https://git.example.com/platform.git", "path": path}

test_is_application if {
	app.is_application with input.object as _app({}, {})
	not app.is_application with input.object as object.union(_app({}, {}), {"apiVersion": "example.com/v1"})
	not app.is_application with input.object as object.union(_app({}, {}), {"kind": "AppProject"})
	app.is_application_object(_app({}, {}))
	not app.is_application_object(_tenant("shop", "staging"))
}

test_display_name_is_namespace_and_name if {
	app.display_name == "Application argocd/shop" with input.object as _app({}, {})
	app.display_name == `Application 7/{"a":1}` with input.object as {"metadata": {"namespace": 7, "name": {"a": 1}}}
}

test_sources_are_every_source_with_its_field_path if {
	spec := {"source": _git("a"), "sources": [_git("b"), "not a source"], "sourceHydrator": {"drySource": _git("c")}}
	{s.path: s.source.path | some s in app.sources} == {"spec.source": "a", "spec.sources[0]": "b", "spec.sourceHydrator.drySource": "c"} with input.object as _app({}, spec)
}

test_git_sources_leave_chart_sources_out if {
	spec := {"sources": [_git("a"), {"repoURL": "https://charts.example.com", "chart": "shop"}, {"repoURL": "x", "chart": ""}]}
	{s.path | some s in app.git_sources} == {"spec.sources[0]", "spec.sources[2]"} with input.object as _app({}, spec)
}

test_is_commit if {
	app.is_commit("3f1c9a0")
	app.is_commit("refs/heads/0123456789ABCDEF0123456789abcdef01234567")
	not app.is_commit("3f1c9a")
	not app.is_commit("HEAD")
	not app.is_commit(1234567)
}

test_is_numeric_commit if {
	app.is_numeric_commit(1234567)
	app.is_numeric_commit(1234567890123456789012345678901234567890)
	not app.is_numeric_commit(123456)
	not app.is_numeric_commit(1.5)
	not app.is_numeric_commit("1234567")
}

test_helm_values_read_values_object_and_yaml if {
	spec := {"sources": [
		object.union(_git("a"), {"helm": {"valuesObject": {"a": 1}}}),
		object.union(_git("b"), {"helm": {"values": "b: 2\n"}}),
		object.union(_git("c"), {"helm": {"values": {"c": 3}}}),
		object.union(_git("d"), {"helm": {"values": "{not yaml"}}),
	]}
	found := {[v.path, v.field, v.json] | some v in app.helm_values} with input.object as _app({}, spec)
	found == {
		["spec.sources[0]", "valuesObject", `{"a":1}`],
		["spec.sources[1]", "values", `{"b":2}`],
		["spec.sources[2]", "values", `{"c":3}`],
	}
}

test_tenant_name_is_the_label_else_the_tenant if {
	app.tenant_name == "shop" with input.object as _app({"tenantguard.io/tenant": "shop"}, {})
	app.tenant_name == "cart" with input as {"object": _app({"tenantguard.io/tenant": ""}, {}), "tenant": _tenant("cart", "staging")}
	not app.tenant_name with input.object as _app({"tenantguard.io/tenant": ""}, {})
}

test_environment_is_the_tenants_whenever_it_is_known if {
	labelled := _app({"tenantguard.io/environment": "production"}, {})
	app.environment == "staging" with input as {"object": labelled, "tenant": _tenant("shop", "staging")}
	app.environment == "production" with input as {"object": labelled}
	app.environment_label == "production" with input as {"object": labelled}
	app.tenant_environment == "staging" with input as {"object": labelled, "tenant": _tenant("shop", "staging")}
}

test_environment_falls_back_to_the_label_when_the_tenant_has_none if {
	labelled := _app({"tenantguard.io/environment": "production"}, {})
	app.environment == "production" with input as {"object": labelled, "tenant": _tenant("shop", "")}
	app.environment == "production" with input as {"object": labelled, "tenant": _tenant("shop", 3)}
}

test_an_empty_or_non_string_label_is_no_environment if {
	not app.environment with input as {"object": _app({"tenantguard.io/environment": ""}, {})}
	not app.environment with input as {"object": _app({"tenantguard.io/environment": 1}, {})}
}

test_environment_directory_and_destination_namespace if {
	obj := _app({"tenantguard.io/environment": "staging"}, {"destination": {"namespace": "tenant-shop"}})
	app.environment_directory == "staging" with input.object as obj
	app.destination_namespace == "tenant-shop" with input.object as obj
	app.destination_namespace == "" with input.object as _app({}, {})
}
