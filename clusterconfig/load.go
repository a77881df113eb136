package clusterconfig

import (
	"bytes"
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
// Maps are merged key by key into the defaults; lists replace them; a key
// left empty (null), in a section or inside one, keeps its default, as the
// policies read a config given to conftest. Write [] or {} to empty a list or map.
func Parse(data []byte) (*ClusterConfig, error) {
	var doc map[string]any
	if err := yaml.UnmarshalStrict(data, &doc); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(withoutNulls(doc))
	if err != nil {
		return nil, err
	}
	cfg := Default()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return nil, err
	}
	if err := cfg.Validate().ToAggregate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// withoutNulls drops the null values of an object and of the objects in it.
func withoutNulls(obj map[string]any) map[string]any {
	for key, value := range obj {
		switch v := value.(type) {
		case nil:
			delete(obj, key)
		case map[string]any:
			withoutNulls(v)
		}
	}
	return obj
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
