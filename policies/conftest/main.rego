# METADATA
# title: conftest entry point
# description: |
#   Runs tenantguard's rules on rendered manifests with conftest, which hands
#   each document to package main as input. Each finding's msg starts with its
#   rule id in brackets, as the webhook prints it.
package main

import data.tenantguard.main as tenantguard

violation contains _finding(v) if {
	some v in tenantguard.deny with input as tenantguard.manifest_review(input)
}

warn contains _finding(v) if {
	some v in tenantguard.warn with input as tenantguard.manifest_review(input)
}

_finding(v) := object.union(v, {"msg": sprintf("[%s] %s", [v.rule, v.msg])})
