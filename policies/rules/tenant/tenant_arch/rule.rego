# METADATA
# title: Tenants run on an architecture the cluster supports
# description: |
#   spec.arch, when set, is one of the CPU architectures the cluster has nodes
#   for (cluster config arches, default amd64 and arm64), compared exactly: a
#   tenant on an unknown arch gets a nodeSelector no node satisfies and never
#   schedules. An empty or missing arch is allowed: the mutating webhook fills in
#   the cluster default (defaults.arch).
# custom:
#   id: tenant-arch
#   enforcement: deny
#   reads:
#     - spec.arch
package tenantguard.rules.tenant.tenant_arch

import data.tenantguard.lib
import data.tenantguard.lib.config.config
import data.tenantguard.lib.tenant

violation contains v if {
	input.object.kind == "Tenant"
	tenant.is_tenant(input.object)
	arch := input.object.spec.arch
	is_string(arch)
	arch != ""
	not arch in _arches
	msg := sprintf(
		concat("", [
			"%s: spec.arch %s is not an architecture this cluster supports; ",
			"set spec.arch to one of %s, or leave it empty for the cluster default",
		]),
		[tenant.display_name(input.object), lib.quote(arch), _supported],
	)
	v := lib.violation(rego.metadata.chain(), "spec.arch", arch, msg)
}

_arches := [a | some a in config.arches; is_string(a)]

_supported := s if {
	count(_arches) > 0
	s := concat(", ", _arches)
} else := "(none: the cluster config lists no arches)"
