package policy_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/policies"
)

const pinnedApplication = `{
	"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": {
		"project": "shop",
		"source": {"repoURL": "https://git.example.com/platform.git", "path": "staging/shop", "targetRevision": "3f1c9a0"},
		"destination": {"server": "https://kubernetes.default.svc", "namespace": "shop"}
	}
}`

func object(t testing.TB, raw string) map[string]any {
	t.Helper()
	var obj map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &obj))
	return obj
}

// pinnedRuleOnly is the embedded bundle with app-pinned-revision as its only
// rule, so that a test can count findings without depending on the other rules.
func pinnedRuleOnly(t testing.TB) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(policies.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(name, "rules/") && !strings.HasPrefix(name, "rules/application/app_pinned_revision/") {
			return nil
		}
		data, err := fs.ReadFile(policies.FS, name)
		out[name] = &fstest.MapFile{Data: data}
		return err
	})
	require.NoError(t, err)
	return out
}

func engine(t testing.TB, fsys fs.FS, data map[string]any) *policy.Engine {
	t.Helper()
	e, err := policy.New(t.Context(), fsys, data)
	require.NoError(t, err)
	return e
}

func TestNewRefusesABundleItCannotCompile(t *testing.T) {
	tests := map[string]struct {
		fsys      fstest.MapFS
		wantError []string
	}{
		"a syntax error is reported with its file and line": {
			fsys: fstest.MapFS{
				"rules/broken/rule.rego": {Data: []byte("package tenantguard.rules.broken\n\nviolation contains v if {\n\tv := {\"rule\": }\n}\n")},
			},
			wantError: []string{"rules/broken/rule.rego:4:"},
		},
		"a bundle without Rego files is refused": {
			fsys:      fstest.MapFS{"README.md": {Data: []byte("# policies")}},
			wantError: []string{"no .rego files"},
		},
		"a rule that calls the network is refused, naming the builtin": {
			fsys: fstest.MapFS{
				"lib/remote/remote.rego": {Data: []byte("package tenantguard.lib.remote\n\nreachable if {\n\thttp.send({\"method\": \"get\", \"url\": \"http://x\"}).status_code == 200\n}\n")},
			},
			wantError: []string{"lib/remote/remote.rego:4:", "http.send"},
		},
		"a rule that reads the clock is refused": {
			fsys: fstest.MapFS{
				"lib/clock/clock.rego": {Data: []byte("package tenantguard.lib.clock\n\nlate if {\n\ttime.now_ns() > 0\n}\n")},
			},
			wantError: []string{"lib/clock/clock.rego:4:", "time.now_ns"},
		},
		"a bundle of only Rego tests is refused": {
			fsys:      fstest.MapFS{"rules/x/rule_test.rego": {Data: []byte("package x\n\ntest_x if true\n")}},
			wantError: []string{"no .rego files"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			e, err := policy.New(t.Context(), tt.fsys, nil)

			require.Error(t, err)
			assert.Nil(t, e)
			for _, want := range tt.wantError {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestReviewDeniesAPinnedApplication(t *testing.T) {
	e := engine(t, pinnedRuleOnly(t), nil)

	findings, err := e.Review(t.Context(), policy.Input{Operation: "CREATE", Object: object(t, pinnedApplication)})

	require.NoError(t, err)
	require.Len(t, findings, 1)
	assert.Equal(t, "app-pinned-revision", findings[0].Rule)
	assert.Equal(t, policy.Deny, findings[0].Enforcement)
	assert.Equal(t, "spec.source.targetRevision", findings[0].Field)
	assert.Equal(t, "3f1c9a0", findings[0].Value)
	assert.Contains(t, findings[0].Message, "Application argocd/shop")
}

func TestReviewWithTheWholeEmbeddedBundleFindsThePinnedRevision(t *testing.T) {
	e := engine(t, policies.FS, nil)

	findings, err := e.Review(t.Context(), policy.Input{Operation: "CREATE", Object: object(t, pinnedApplication)})

	require.NoError(t, err)
	var pinned []string
	for _, f := range findings.With(policy.Deny) {
		if f.Rule == "app-pinned-revision" {
			pinned = append(pinned, f.Field)
		}
	}
	assert.Equal(t, []string{"spec.source.targetRevision"}, pinned)
}

func TestReviewFollowsTheClusterConfigsEnforcementOverride(t *testing.T) {
	data := map[string]any{"tenantguard": map[string]any{"config": map[string]any{
		"enforcement": map[string]any{"app-pinned-revision": "warn"},
	}}}
	e := engine(t, pinnedRuleOnly(t), data)

	findings, err := e.Review(t.Context(), policy.Input{Operation: "CREATE", Object: object(t, pinnedApplication)})

	require.NoError(t, err)
	require.Len(t, findings, 1)
	assert.Equal(t, policy.Warn, findings[0].Enforcement)
	assert.Empty(t, findings.With(policy.Deny))
}

func TestReviewFailsOnARuleSetItCannotRead(t *testing.T) {
	const manifest = "\nmanifest_review(m) := {\"operation\": \"CREATE\", \"object\": m}\n"
	tests := map[string]struct {
		main      string
		wantError string
	}{
		"a violation without msg is an error, never an allow": {
			main:      `violations contains {"rule": "no-msg", "enforcement": "deny"} if input.object`,
			wantError: "without rule id or msg",
		},
		"a violation without rule id is an error": {
			main:      `violations contains {"msg": "who said this?", "enforcement": "deny"} if input.object`,
			wantError: "without rule id or msg",
		},
		"an enforcement the webhook does not know is an error": {
			main:      `violations contains {"rule": "r", "msg": "m", "enforcement": "block"} if input.object`,
			wantError: `enforcement "block"`,
		},
		"a rule set that leaves violations undefined is an error": {
			main:      `violations := {"rule": "r"} if false`,
			wantError: "0 results",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"main/main.rego": {Data: []byte("package tenantguard.main\n\n" + tt.main + manifest)}}
			e := engine(t, fsys, nil)

			findings, err := e.Review(t.Context(), policy.Input{Operation: "CREATE", Object: object(t, pinnedApplication)})

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantError)
			assert.Empty(t, findings)
		})
	}
}

func TestReviewStopsWhenItsContextEnds(t *testing.T) {
	const slow = "# METADATA\n# title: slow\n# custom:\n#   id: slow\n#   enforcement: deny\n" +
		"package tenantguard.rules.slow\n\n" +
		"violation contains {\"rule\": \"slow\", \"msg\": \"m\", \"enforcement\": \"deny\"} if {\n" +
		"\tcount([x | some x in numbers.range(1, count(input.object.metadata.name) * 100000000); x < 0]) > 0\n}\n"
	fsys := pinnedRuleOnly(t).(fstest.MapFS)
	fsys["rules/slow/rule.rego"] = &fstest.MapFile{Data: []byte(slow)}
	e := engine(t, fsys, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()

	start := time.Now()
	_, err := e.Review(ctx, policy.Input{Operation: "CREATE", Object: object(t, pinnedApplication)})

	require.Error(t, err)
	assert.Contains(t, err.Error(), "cancel")
	assert.Less(t, time.Since(start), 5*time.Second)
}

// A rule's package says which objects the engine asks it about: a rule under
// tenantguard.rules.application only Applications, one under
// tenantguard.rules.tenant only Tenants (the stored one on a deletion), one
// directly under tenantguard.rules every object.
func TestReviewAsksTheRulesOfTheObjectsKind(t *testing.T) {
	rule := func(pkg, id string) []byte {
		return []byte("# METADATA\n# title: " + id + "\n# custom:\n#   id: " + id + "\n#   enforcement: deny\n" +
			"package tenantguard.rules." + pkg + "\n\n" +
			"import data.tenantguard.lib\n\n" +
			"violation contains lib.violation(rego.metadata.chain(), \"\", null, \"always\") if true\n")
	}
	fsys := pinnedRuleOnly(t).(fstest.MapFS)
	delete(fsys, "rules/application/app_pinned_revision/rule.rego")
	fsys["rules/application/a/rule.rego"] = &fstest.MapFile{Data: rule("application.a", "application-only")}
	fsys["rules/tenant/t/rule.rego"] = &fstest.MapFile{Data: rule("tenant.t", "tenant-only")}
	fsys["extra/any/rule.rego"] = &fstest.MapFile{Data: rule("any", "any-kind")}
	e := engine(t, fsys, nil)
	tenant := object(t, `{"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": {"name": "shop"}}`)
	configMap := object(t, `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}`)
	tests := map[string]struct {
		in   policy.Input
		want []string
	}{
		"an Application": {
			in:   policy.Input{Operation: "CREATE", Object: object(t, pinnedApplication)},
			want: []string{"any-kind", "application-only"},
		},
		"a Tenant": {
			in:   policy.Input{Operation: "CREATE", Object: tenant},
			want: []string{"any-kind", "tenant-only"},
		},
		"a Tenant's deletion": {
			in:   policy.Input{Operation: "DELETE", OldObject: tenant},
			want: []string{"any-kind", "tenant-only"},
		},
		"an object of another kind is asked every rule": {
			in:   policy.Input{Operation: "CREATE", Object: configMap},
			want: []string{"any-kind", "application-only", "tenant-only"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			findings, err := e.Review(t.Context(), tt.in)

			require.NoError(t, err)
			var got []string
			for _, f := range findings {
				got = append(got, f.Rule)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
