package clusterconfig_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/policies"
)

// The policies carry the same defaults for conftest, which runs without the Go
// side; this keeps the two from drifting.
func TestRegoDefaultsMatchGoDefaults(t *testing.T) {
	ctx := context.Background()
	src, err := fs.ReadFile(policies.FS, "lib/config/config.rego")
	require.NoError(t, err)
	rs, err := rego.New(rego.Query("data.tenantguard.lib.config.defaults"), rego.Module("config.rego", string(src))).Eval(ctx)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	var goDefaults map[string]any
	raw, err := json.Marshal(clusterconfig.Default())
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &goDefaults))
	assert.Equal(t, goDefaults, jsonRoundTrip(t, rs[0].Expressions[0].Value))
}

func jsonRoundTrip(t *testing.T, v any) map[string]any {
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

func TestParseMergesOverDefaults(t *testing.T) {
	cfg, err := clusterconfig.Parse([]byte(`
arches: [amd64, arm64, s390x]
environments: {qa: qa}
enforcement: {app-automated-sync: deny}
defaults: {registryMirror: mirror.example.com:5000/tenants}
`))
	require.NoError(t, err)
	assert.Equal(t, []string{"amd64", "arm64", "s390x"}, cfg.Arches, "lists replace the default")
	assert.Equal(t, map[string]string{"staging": "staging", "production": "production", "qa": "qa"}, cfg.Environments, "maps merge into the default")
	assert.Equal(t, "amd64", cfg.Defaults.Arch, "unset keys keep their default")
	assert.Equal(t, "mirror.example.com:5000/tenants", cfg.Defaults.RegistryMirror)
	assert.Equal(t, "global.nodeSelector", cfg.ValuePaths.NodeSelector)
}

func TestParseKeepsTheDefaultOfAKeyLeftEmpty(t *testing.T) {
	cfg, err := clusterconfig.Parse([]byte("defaults:\ntenantNaming: {namespacePrefix: null}\nimageTagKeys:\nexcludedNamespaces: []\n"))
	require.NoError(t, err)
	assert.Equal(t, clusterconfig.Default().Defaults, cfg.Defaults)
	assert.Equal(t, "tenant-", cfg.TenantNaming.NamespacePrefix)
	assert.Equal(t, clusterconfig.Default().ImageTagKeys, cfg.ImageTagKeys)
	assert.Empty(t, cfg.ExcludedNamespaces, "[] empties a list")
}

func TestParseSetsOneLimitAndKeepsTheOthers(t *testing.T) {
	cfg, err := clusterconfig.Parse([]byte("limits: {maxSources: 200}\n"))
	require.NoError(t, err)
	want := clusterconfig.DefaultLimits()
	want.MaxSources = 200
	assert.Equal(t, want, cfg.Limits)
}

func TestParseRefusesBadConfigNamingTheKey(t *testing.T) {
	cases := map[string]struct {
		yaml    string
		wantKey string
	}{
		"an unknown key":                              {"arch: arm64\n", `unknown field "arch"`},
		"a default arch the cluster lacks":            {"defaults: {arch: riscv64}\n", "defaults.arch"},
		"a registry mirror with a scheme":             {"defaults: {registryMirror: 'https://mirror'}\n", "defaults.registryMirror"},
		"a tainted pool of an unknown arch":           {"taintedArchPools: [ppc64le]\n", "taintedArchPools[0]"},
		"an empty list of arches":                     {"arches: []\n", "arches"},
		"an environment directory that climbs":        {"environments: {staging: ../staging}\n", "environments[staging]"},
		"an absolute environment directory":           {"environments: {production: /production}\n", "environments[production]"},
		"an unknown enforcement":                      {"enforcement: {app-project: block}\n", "enforcement[app-project]"},
		"no tracking refs":                            {"trackingRefs: []\n", "trackingRefs"},
		"a value path that is not dotted":             {"valuePaths: {nodeSelector: 'a..b'}\n", "valuePaths.nodeSelector"},
		"a name length past the namespace size":       {"tenantNaming: {maxNameLength: 60}\n", "tenantNaming.maxNameLength"},
		"an excluded namespace that is invalid":       {"excludedNamespaces: [Kube_System]\n", "excludedNamespaces[0]"},
		"a key of the wrong type":                     {"arches: amd64\n", "arches"},
		"a value path the rules read as an image tag": {"valuePaths: {imageRegistry: global.image.tag}\n", "valuePaths.imageRegistry"},
		"a review size too small to admit much":       {"limits: {maxReviewBytes: 1000}\n", "limits.maxReviewBytes"},
		"a nesting depth below the envelope":          {"limits: {maxDepth: 3}\n", "limits.maxDepth"},
		"no findings in a response":                   {"limits: {maxFindings: 0}\n", "limits.maxFindings"},
		"a values node bound that admits no values":   {"limits: {maxValuesNodes: 1}\n", "limits.maxValuesNodes"},
		"a path bound shorter than one path":          {"limits: {maxPathBytes: 10}\n", "limits.maxPathBytes"},
		"an evaluation time no review fits in":        {"limits: {maxEvaluationTime: 1ms}\n", "limits.maxEvaluationTime"},
		"a file node bound past the ceiling":          {"promotion: {maxFileNodes: 1000000000}\n", "promotion.maxFileNodes"},
		"a protected file glob that does not compile": {"promotion: {protectedFiles: ['[values']}\n", "promotion.protectedFiles[0]"},
		"an empty automation identity":                {"promotion: {automationIdentities: ['']}\n", "promotion.automationIdentities[0]"},
		"a change set bound of no files":              {"promotion: {maxChangedFiles: 0}\n", "promotion.maxChangedFiles"},
		"a file size bound past the ceiling":          {"promotion: {maxFileBytes: 1000000000}\n", "promotion.maxFileBytes"},
		"an unknown promotion key":                    {"promotion: {protected: []}\n", `unknown field "protected"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := clusterconfig.Parse([]byte(tc.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantKey)
		})
	}
}

func TestParseSetsPromotionKeysOverTheirDefaults(t *testing.T) {
	cfg, err := clusterconfig.Parse([]byte("promotion: {automationIdentities: [release-bot], maxFileBytes: 4096}\n"))
	require.NoError(t, err)
	want := clusterconfig.DefaultPromotion()
	want.AutomationIdentities = []string{"release-bot"}
	want.MaxFileBytes = 4096
	assert.Equal(t, want, cfg.Promotion)
}

func TestValidateRuleIDsRefusesUnknownRules(t *testing.T) {
	cfg := clusterconfig.Default()
	cfg.Enforcement = map[string]string{"app-pinned-revision": "warn", "app-no-such-rule": "deny"}
	errs := cfg.ValidateRuleIDs([]string{"app-pinned-revision"})
	require.Len(t, errs, 1)
	assert.Equal(t, "enforcement[app-no-such-rule]", errs[0].Field)
}

func TestPolicyDataCarriesTheResolvedConfig(t *testing.T) {
	data, err := clusterconfig.Default().PolicyData()
	require.NoError(t, err)
	tg := data["tenantguard"].(map[string]any)
	assert.Equal(t, "amd64", tg["resolved_config"].(map[string]any)["defaults"].(map[string]any)["arch"])
	assert.NotContains(t, tg, "tenants", "Tenants come with each review, not as data")
}
