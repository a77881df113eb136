package config

import (
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

// Load reads the cluster config file at path over the defaults and validates
// it. Unknown keys are errors, so a typo does not silently fall back to a default.
func Load(path string) (*ClusterConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading cluster config: %w", err)
	}
	cfg, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("cluster config %s: %w", path, err)
	}
	return cfg, nil
}

// Parse reads a cluster config document over the defaults and validates it.
// Maps are merged key by key into the defaults; lists replace them.
func Parse(data []byte) (*ClusterConfig, error) {
	cfg := Default()
	if err := yaml.UnmarshalStrict(data, cfg); err != nil {
		return nil, err
	}
	if err := cfg.Validate().ToAggregate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// PolicyData is the base document the policies read: the config, defaults
// filled in, under data.tenantguard.resolved_config. Tenants are not data:
// each review carries what is known of its own (see tenantctx).
func (c *ClusterConfig) PolicyData() (map[string]any, error) {
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	return map[string]any{"tenantguard": map[string]any{"resolved_config": doc}}, nil
}
