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

test_null_keys_keep_their_defaults_as_in_go if {
	given := {"tenantNaming": null, "defaults": {"arch": null, "registryMirror": "mirror.example.com"}, "arches": null}
	c := config.config with data.tenantguard.config as given
	c.tenantNaming == config.defaults.tenantNaming
	c.defaults.arch == "amd64"
	c.defaults.registryMirror == "mirror.example.com"
	c.arches == ["amd64", "arm64"]
}
