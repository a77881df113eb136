package tenantguard.lib.config_test

import data.tenantguard.lib.config

test_defaults_apply_without_config if {
	config.config == config.defaults
}

test_given_config_merges_over_defaults if {
	c := config.config with data.tenantguard.config as {"defaults": {"arch": "arm64"}, "arches": ["arm64"]}
	c.defaults.arch == "arm64"
	c.defaults.destination == "https://kubernetes.default.svc"
	c.arches == ["arm64"]
}

test_resolved_config_is_taken_as_is if {
	resolved := {"arches": ["s390x"]}
	config.config == resolved with data.tenantguard.resolved_config as resolved
		with data.tenantguard.config as {"arches": ["amd64"]}
}
