# METADATA
# title: Tenant cloud and region are valid when set
# description: |
#   spec.cloud, when set, is aws, azure or gcp, written exactly so. spec.region,
#   when set, needs spec.cloud and is written the way that cloud names its
#   regions, every region it has included: aws <area>[-<partition>]-<direction>-<n>
#   (eu-west-1, ap-southeast-4, us-gov-west-1, cn-north-1, eu-isoe-west-1,
#   eusc-de-east-1), azure one lowercase word with digits (westeurope, eastus2,
#   southafricanorth, usgovvirginia, eastus2euap), gcp <area>-<direction><n>
#   (us-central1, europe-west12, me-central2, northamerica-northeast2). A zone
#   (eu-west-1a, europe-west1-b) is not a region. Rules and tooling read these
#   fields, so a typo or a region of another cloud would send a tenant's
#   settings astray.
# custom:
#   id: tenant-cloud
#   enforcement: deny
#   reads:
#     - spec.cloud
#     - spec.region
package tenantguard.rules.tenant.tenant_cloud

import data.tenantguard.lib
import data.tenantguard.lib.tenant

violation contains v if {
	not _clean
	some v in _violations
}

# _clean holds for a Tenant without cloud and region, and for one whose cloud
# is supported and whose region is one of that cloud: none of the findings
# below can hold then, and the rule stops here.
_clean if {
	not input.object.spec.cloud
	not input.object.spec.region
}

_clean if {
	format := _regions[input.object.spec.cloud]
	regex.match(format.pattern, input.object.spec.region)
}

_violations contains v if {
	input.object.kind == "Tenant"
	cloud := _set("cloud")
	not _regions[cloud]
	msg := sprintf(
		"%s: spec.cloud %s is not a supported cloud; set spec.cloud to one of aws, azure, gcp (lowercase), or remove it",
		[tenant.display_name(input.object), lib.quote(cloud)],
	)
	v := lib.violation(rego.metadata.chain(), "spec.cloud", cloud, msg)
}

_violations contains v if {
	input.object.kind == "Tenant"
	region := _set("region")
	object.get(input.object, ["spec", "cloud"], "") in {"", null}
	msg := sprintf(
		concat("", [
			"%s: spec.region %s is set without spec.cloud; ",
			"set spec.cloud to the cloud the region belongs to (aws, azure or gcp), or remove spec.region",
		]),
		[tenant.display_name(input.object), lib.quote(region)],
	)
	v := lib.violation(rego.metadata.chain(), "spec.region", region, msg)
}

_violations contains v if {
	input.object.kind == "Tenant"
	region := _set("region")
	cloud := _set("cloud")
	format := _regions[cloud]
	not regex.match(format.pattern, region)
	msg := sprintf(
		"%s: spec.region %s is not a region of %s; write the region as %s names it, e.g. %s, or correct spec.cloud",
		[tenant.display_name(input.object), lib.quote(region), cloud, cloud, format.examples],
	)
	v := lib.violation(rego.metadata.chain(), "spec.region", region, msg)
}

# _regions is the region format of each supported cloud.
# AWS: an area of two to four letters (us, ap, eusc), an optional partition
# or country (gov, iso, isob, isoe, isof, de), a direction and a number.
# Azure: a lowercase word that may hold digits (eastus2, eastus2euap,
# australiacentral2). GCP: an area, one or more words (northamerica-northeast,
# u-france-east for a sovereign cloud), and a number glued to the last word.
_regions := {
	"aws": {
		"pattern": concat("", [
			`^[a-z]{2,4}(-[a-z]{2,4})?-`,
			`(north|south|east|west|central|northeast|southeast|northwest|southwest)-[0-9]{1,2}$`,
		]),
		"examples": `"eu-west-1" or "us-gov-west-1"`,
	},
	"azure": {
		"pattern": `^[a-z][a-z0-9]{1,39}$`,
		"examples": `"westeurope" or "eastus2"`,
	},
	"gcp": {
		"pattern": `^[a-z]+(-[a-z]+)+[0-9]{1,2}$`,
		"examples": `"europe-west1" or "us-central1"`,
	},
}

# _set is the Tenant's spec field when it is a non-empty string.
_set(field) := value if {
	tenant.is_tenant(input.object)
	value := input.object.spec[field]
	is_string(value)
	value != ""
}
