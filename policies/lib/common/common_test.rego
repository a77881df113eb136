package tenantguard.lib.common_test

import data.tenantguard.lib.common
import data.tenantguard.rules.application.app_arch_mismatch
import data.tenantguard.rules.application.app_environment_path
import data.tenantguard.rules.application.app_image_tag_override
import data.tenantguard.rules.application.app_pinned_revision
import data.tenantguard.rules.application.app_project
import data.tenantguard.rules.application.app_tenant_destination
import data.tenantguard.rules.application.app_tracking_revision

# _review is the supervisor's Application for tenant shop, in production, as
# the webhook sends it: the common Application.
_review := {
	"operation": "CREATE",
	"object": {
		"apiVersion": "argoproj.io/v1alpha1",
		"kind": "Application",
		"metadata": {
			"name": "shop", "namespace": "argocd",
			"labels": {"tenantguard.io/tenant": "shop", "tenantguard.io/environment": "production"},
		},
		"spec": {
			"project": "tenant-shop",
			"source": {
				"repoURL": "https://git.example.com/platform/tenants.git",
				"path": "production/shop",
				"targetRevision": "HEAD",
				"helm": {
					"valueFiles": ["values.yaml", "values-images.yaml"],
					"valuesObject": {"global": {"nodeSelector": {"kubernetes.io/arch": "arm64"}}},
				},
			},
			"destination": {"server": "https://kubernetes.default.svc", "namespace": "tenant-shop"},
		},
	},
	"tenant": {
		"metadata": {"name": "shop"},
		"spec": {"environment": "production", "arch": "arm64", "namespace": "tenant-shop"},
	},
	"tenantLookup": {"label": "shop", "namespace": "tenant-shop", "matches": ["shop"]},
}

_with(path, value) := json.patch(_review, [{"op": "add", "path": path, "value": value}])

_without(path) := json.patch(_review, [{"op": "remove", "path": path}])

test_the_supervisors_application_is_common if {
	common.application with input as _review
}

# Each rule's gate holds on the common Application, and fails on an
# Application away from it in what that rule reads.
test_every_rules_gate_holds_on_the_common_application if {
	app_arch_mismatch.gate with input as _review
	app_environment_path.gate with input as _review
	app_image_tag_override.gate with input as _review
	app_pinned_revision.gate with input as _review
	app_project.gate with input as _review
	app_tenant_destination.gate with input as _review
	app_tracking_revision.gate with input as _review
}

test_each_rules_gate_fails_away_from_the_common_application if {
	not app_arch_mismatch.gate with input as _with("/object/spec/source/helm/valuesObject/global/nodeSelector/kubernetes.io~1arch", "amd64")
	not app_environment_path.gate with input as _with("/object/spec/source/path", "staging/shop")
	not app_image_tag_override.gate with input as _with("/object/spec/source/helm/valuesObject/image", {"tag": "v1"})
	not app_pinned_revision.gate with input as _with("/object/spec/source/targetRevision", "3f1c9a0")
	not app_project.gate with input as _with("/object/spec/project", "default")
	not app_tenant_destination.gate with input as _with("/object/spec/destination/namespace", "tenant-other")
	not app_tracking_revision.gate with input as _with("/object/spec/source/chart", "shop")
}

# Several sources are not the common form, even when each reads plainly.
test_several_plain_sources_are_not_common_but_plain if {
	source := _review.object.spec.source
	review := json.patch(_without("/object/spec/source"), [{"op": "add", "path": "/object/spec/sources", "value": [source, object.union(source, {"path": "production/shop/extra"})]}])
	common.application == false with input as review
	common.plain_for("production") with input as review
}

# The mutating webhook fills in every Tenant's destination: the common
# Application deploys there by server, whether the Tenant names the default
# cluster or another.
test_the_tenants_own_destination_is_common if {
	common.application with input as _with("/tenant/spec/destination", "https://kubernetes.default.svc")
	remote := json.patch(_review, [
		{"op": "add", "path": "/tenant/spec/destination", "value": "https://remote.example.com"},
		{"op": "add", "path": "/object/spec/destination/server", "value": "https://remote.example.com"},
	])
	common.application with input as remote
	common.application == false with input as _with("/object/spec/destination/server", "https://remote.example.com")
	common.application == false with input as _with("/tenant/spec/destination", "")
}

test_values_without_an_arch_are_common if {
	common.application with input as _with("/object/spec/source/helm/valuesObject", {"replicas": 2})
}

# Each field the rules' checks read, one at a time, away from the common form.
test_an_application_away_from_the_common_form_is_not_common if {
	every review in [
		_with("/tenantLookup/label", ""),
		_with("/tenantLookup/matches", ["other"]),
		_with("/object/metadata/labels/tenantguard.io~1tenant", "other"),
		_with("/tenant/spec/namespace", "tenant-other"),
		_with("/object/spec/destination/name", "in-cluster"),
		_with("/object/spec/destination/server", "https://remote.example.com"),
		_with("/tenant/spec/destination", "https://remote.example.com"),
		_with("/object/spec/project", "default"),
		_with("/object/spec/project", "tenant-other"),
		_with("/object/metadata/labels/tenantguard.io~1environment", "staging"),
		_with("/object/spec/source/path", "staging/shop"),
		_with("/object/spec/source/path", "production/../staging"),
		_with("/object/spec/source/helm/valueFiles", ["../../staging/values.yaml"]),
		_with("/object/spec/source/helm/fileParameters", [{"name": "a", "path": "/abs.yaml"}]),
		_with("/object/spec/source/kustomize", {"components": ["../x"]}),
		_with("/object/spec/sourceHydrator", {"drySource": _review.object.spec.source}),
		_without("/tenant/spec/arch"),
		_with("/object/spec/source/helm/valuesObject/global/nodeSelector/kubernetes.io~1arch", "amd64"),
		_with("/object/spec/source/helm/valuesObject/image", {"tag": "v1"}),
		_with("/object/spec/source/targetRevision", "main"),
		_with("/object/spec/source/targetRevision", "3f1c9a0"),
		_without("/object/spec/source/targetRevision"),
		_with("/object/spec/source/chart", "shop"),
		_with("/object/spec/source/helm/parameters", [{"name": "image.tag", "value": "v1"}]),
		_with("/object/spec/source/kustomize", {"images": ["app:v1"]}),
	] {
		common.application == false with input as review
	}
}

test_an_environment_whose_directory_holds_another_is_never_plain if {
	not common.plain_for("production") with input as _review
		with data.tenantguard.resolved_config.environments as {"production": "production", "canary": "production/canary"}
}

test_arch_pins_in_json_text if {
	common.pins_only(`{"replicas":2}`, "arm64")
	common.pins_only(`{"a":{"kubernetes.io/arch":"arm64"},"b":{"kubernetes.io/arch":"arm64"}}`, "arm64")
	not common.pins_only(`{"a":{"kubernetes.io/arch":"arm64"},"b":{"kubernetes.io/arch":"amd64"}}`, "arm64")
	not common.pins_only(`{"kubernetes.io/arch":"arm64"}`, null)
}
