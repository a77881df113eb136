package tenantguard.main

# METADATA
# title: Review input from a manifest
# description: |
#   Builds the review input that the rules read from one rendered manifest, the
#   way an admission request would carry it when the manifest is first applied.
#   conftest and tenantguard eval both go through this one function.
manifest_review(manifest) := {
	"operation": "CREATE",
	"object": manifest,
	"userInfo": {},
}
