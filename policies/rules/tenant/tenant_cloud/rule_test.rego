package tenantguard.rules.tenant.tenant_cloud_test

import data.tenantguard.rules.tenant.tenant_cloud as rule

_tenant(spec) := {
	"apiVersion": "tenantguard.io/v1alpha1",
	"kind": "Tenant",
	"metadata": {"name": "shop"},
	"spec": object.union({"environment": "staging"}, spec),
}

_review(spec) := {"operation": "CREATE", "object": _tenant(spec)}

_findings(spec) := {[v.rule, v.field, v.value] | some v in rule.violation with input as _review(spec)}

_at(cloud, region) := _findings({"cloud": cloud, "region": region})

_msg(spec) := v.msg if {
	some v in rule.violation with input as _review(spec)
}

test_neither_cloud_nor_region_is_allowed if {
	count(_findings({})) == 0
	count(_findings({"cloud": "", "region": ""})) == 0
}

test_cloud_without_region_is_allowed if {
	count(_findings({"cloud": "aws"})) == 0
	count(_findings({"cloud": "azure"})) == 0
	count(_findings({"cloud": "gcp"})) == 0
}

# Every region of each cloud, as the cloud names it (public, government,
# China, isolated and sovereign partitions), is allowed.

_aws_regions := [
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
	"eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1", "mx-central-1",
	"sa-east-1", "us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1", "us-iso-east-1",
	"us-iso-west-1", "us-isob-east-1", "us-isof-south-1", "us-isof-east-1", "eu-isoe-west-1", "eusc-de-east-1",
]

_azure_regions := [
	"eastus", "eastus2", "westus", "westus2", "westus3", "centralus", "northcentralus", "southcentralus",
	"westcentralus", "canadacentral", "canadaeast", "brazilsouth", "brazilsoutheast", "mexicocentral",
	"chilecentral", "northeurope", "westeurope", "uksouth", "ukwest", "francecentral", "francesouth",
	"germanywestcentral", "germanynorth", "norwayeast", "norwaywest", "switzerlandnorth", "switzerlandwest",
	"swedencentral", "swedensouth", "polandcentral", "italynorth", "spaincentral", "austriaeast",
	"belgiumcentral", "eastasia", "southeastasia", "japaneast", "japanwest", "koreacentral", "koreasouth",
	"australiaeast", "australiasoutheast", "australiacentral", "australiacentral2", "centralindia",
	"southindia", "westindia", "jioindiawest", "jioindiacentral", "uaenorth", "uaecentral", "qatarcentral",
	"israelcentral", "southafricanorth", "southafricawest", "newzealandnorth", "indonesiacentral",
	"malaysiawest", "usgovvirginia", "usgovarizona", "usgovtexas", "usdodeast", "usdodcentral", "chinaeast",
	"chinaeast2", "chinaeast3", "chinanorth", "chinanorth2", "chinanorth3", "eastus2euap", "centraluseuap",
]

_gcp_regions := [
	"us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "us-west2", "us-west3",
	"us-west4", "northamerica-northeast1", "northamerica-northeast2", "northamerica-south1",
	"southamerica-east1", "southamerica-west1", "europe-central2", "europe-north1", "europe-north2",
	"europe-southwest1", "europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-west6",
	"europe-west8", "europe-west9", "europe-west10", "europe-west12", "me-central1", "me-central2",
	"me-west1", "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
	"asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2", "australia-southeast1",
	"australia-southeast2", "africa-south1", "u-france-east1",
]

test_aws_regions_are_allowed if {
	every region in _aws_regions {
		count(_at("aws", region)) == 0
	}
}

test_azure_regions_are_allowed if {
	every region in _azure_regions {
		count(_at("azure", region)) == 0
	}
}

test_gcp_regions_are_allowed if {
	every region in _gcp_regions {
		count(_at("gcp", region)) == 0
	}
}

# One test per cloud, so that each stays well inside the test runner's
# per-test timeout (5 s, which conftest verify cannot raise) on a busy machine.

test_no_aws_region_is_a_region_of_another_cloud if {
	every region in _aws_regions {
		count(_at("azure", region)) == 1
		count(_at("gcp", region)) == 1
	}
}

test_no_azure_region_is_a_region_of_another_cloud if {
	every region in _azure_regions {
		count(_at("aws", region)) == 1
		count(_at("gcp", region)) == 1
	}
}

test_no_gcp_region_is_a_region_of_another_cloud if {
	every region in _gcp_regions {
		count(_at("aws", region)) == 1
		count(_at("azure", region)) == 1
	}
}

test_unknown_cloud_is_refused if {
	_findings({"cloud": "openstack"}) == {["tenant-cloud", "spec.cloud", "openstack"]}
}

test_uppercase_cloud_is_refused if {
	_findings({"cloud": "AWS"}) == {["tenant-cloud", "spec.cloud", "AWS"]}
}

test_cloud_alias_is_refused if {
	_findings({"cloud": "google"}) == {["tenant-cloud", "spec.cloud", "google"]}
}

test_cloud_with_whitespace_is_refused if {
	_findings({"cloud": "aws "}) == {["tenant-cloud", "spec.cloud", "aws "]}
}

test_unknown_cloud_with_region_reports_only_the_cloud_is_refused if {
	_at("Azure", "westeurope") == {["tenant-cloud", "spec.cloud", "Azure"]}
}

test_region_without_cloud_is_refused if {
	_findings({"region": "eu-west-1"}) == {["tenant-cloud", "spec.region", "eu-west-1"]}
}

test_region_with_empty_cloud_is_refused if {
	_at("", "eu-west-1") == {["tenant-cloud", "spec.region", "eu-west-1"]}
}

test_region_with_null_cloud_is_refused if {
	_at(null, "eu-west-1") == {["tenant-cloud", "spec.region", "eu-west-1"]}
}

test_gcp_region_on_aws_is_refused if {
	_at("aws", "europe-west1") == {["tenant-cloud", "spec.region", "europe-west1"]}
}

test_aws_region_on_azure_is_refused if {
	_at("azure", "eu-west-1") == {["tenant-cloud", "spec.region", "eu-west-1"]}
}

test_azure_region_on_gcp_is_refused if {
	_at("gcp", "westeurope") == {["tenant-cloud", "spec.region", "westeurope"]}
}

test_aws_availability_zone_is_refused if {
	_at("aws", "eu-west-1a") == {["tenant-cloud", "spec.region", "eu-west-1a"]}
}

test_aws_unknown_direction_is_refused if {
	_at("aws", "eu-up-1") == {["tenant-cloud", "spec.region", "eu-up-1"]}
}

test_gcp_zone_is_refused if {
	_at("gcp", "europe-west1-b") == {["tenant-cloud", "spec.region", "europe-west1-b"]}
}

test_uppercase_region_is_refused if {
	_at("azure", "WestEurope") == {["tenant-cloud", "spec.region", "WestEurope"]}
}

test_region_with_newline_is_refused if {
	_at("azure", "westeurope\n") == {["tenant-cloud", "spec.region", "westeurope\n"]}
}

test_non_string_fields_are_ignored if {
	count(_at(1, 2)) == 0
	count(_at("aws", 1)) == 0
}

test_other_kinds_are_ignored if {
	obj := object.union(_tenant({"cloud": "openstack"}), {"kind": "AppProject"})
	count(rule.violation) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_cloud_message_names_tenant_field_value_and_fix if {
	some v in rule.violation with input as _review({"cloud": "openstack"})
	v.rule == "tenant-cloud"
	v.enforcement == "deny"
	contains(v.msg, "Tenant shop")
	contains(v.msg, "spec.cloud")
	contains(v.msg, `"openstack"`)
	contains(v.msg, "one of aws, azure, gcp")
}

test_missing_cloud_message_asks_for_cloud if {
	msg := _msg({"region": "eu-west-1"})
	contains(msg, `Tenant shop: spec.region "eu-west-1" is set without spec.cloud`)
}

test_region_message_gives_examples_of_the_cloud if {
	msg := _msg({"cloud": "gcp", "region": "westeurope"})
	contains(msg, `spec.region "westeurope" is not a region of gcp`)
	contains(msg, `"europe-west1" or "us-central1"`)
}

test_unnamed_tenant_is_refused if {
	obj := json.remove(_tenant({"cloud": "openstack"}), ["metadata/name"])
	some v in rule.violation with input as {"operation": "CREATE", "object": obj}
	startswith(v.msg, "Tenant <unnamed>: ")
}
