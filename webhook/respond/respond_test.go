package respond_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/defaults"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/webhook/respond"
)

func TestMalformedIsABadRequestNamingTheError(t *testing.T) {
	resp := respond.Malformed(field.Required(field.NewPath("spec"), "an Application needs a spec"))

	assert.False(t, resp.Allowed)
	require.NotNil(t, resp.Result)
	assert.EqualValues(t, http.StatusBadRequest, resp.Result.Code)
	assert.Contains(t, resp.Result.Message, "spec: Required value: an Application needs a spec")
}

func TestFailedIsAServerErrorNamingStepAndCause(t *testing.T) {
	resp := respond.Failed("evaluating policies", errors.New("rule set returned a violation without msg"))

	assert.False(t, resp.Allowed)
	require.NotNil(t, resp.Result)
	assert.EqualValues(t, http.StatusInternalServerError, resp.Result.Code)
	assert.Equal(t, "evaluating policies: rule set returned a violation without msg", resp.Result.Message)
}

func finding(rule string, e policy.Enforcement, msg string) policy.Finding {
	return policy.Finding{Rule: rule, Enforcement: e, Message: msg}
}

// waived is f as the exception inc-4211 waives it.
func waived(f policy.Finding) policy.Finding {
	f.WaivedBy = &policy.Waiver{Name: "inc-4211", Expires: "2026-12-06T12:00:00Z", Reason: "INC-4211"}
	return f
}

func TestVerdict(t *testing.T) {
	tests := map[string]struct {
		findings     policy.Findings
		wantAllowed  bool
		wantCode     int32
		wantMessage  string
		wantWarnings []string
	}{
		"no findings allow the request": {
			wantAllowed: true, wantCode: http.StatusOK,
		},
		"a deny finding refuses the request with its rule id and message": {
			findings:    policy.Findings{finding("app-pinned-revision", policy.Deny, "pinned to commit")},
			wantAllowed: false, wantCode: http.StatusForbidden,
			wantMessage: "[app-pinned-revision] pinned to commit",
		},
		"several deny findings give one line each and warnings ride along": {
			findings: policy.Findings{
				finding("a-rule", policy.Deny, "first"),
				finding("w-rule", policy.Warn, "careful"),
				finding("b-rule", policy.Deny, "second"),
				finding("d-rule", policy.DryRun, "counted only"),
			},
			wantAllowed: false, wantCode: http.StatusForbidden,
			wantMessage:  "[a-rule] first\n[b-rule] second",
			wantWarnings: []string{"[w-rule] careful"},
		},
		"warn findings admit the request with a warning each": {
			findings: policy.Findings{
				finding("w-one", policy.Warn, "first warning"),
				finding("w-two", policy.Warn, "second warning"),
			},
			wantAllowed: true, wantCode: http.StatusOK,
			wantWarnings: []string{"[w-one] first warning", "[w-two] second warning"},
		},
		"dryrun findings admit the request silently": {
			findings:    policy.Findings{finding("d-rule", policy.DryRun, "counted only")},
			wantAllowed: true, wantCode: http.StatusOK,
		},
		"a waived deny finding admits the request with a warning naming the exception and its expiry": {
			findings:    policy.Findings{waived(finding("app-pinned-revision", policy.Deny, "pinned to commit"))},
			wantAllowed: true, wantCode: http.StatusOK,
			wantWarnings: []string{"[app-pinned-revision] pinned to commit (waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)"},
		},
		"waived findings of any enforcement warn after the warn findings, and an unwaived deny still refuses": {
			findings: policy.Findings{
				waived(finding("d-rule", policy.DryRun, "counted only")),
				finding("b-rule", policy.Deny, "second"),
				waived(finding("w-rule", policy.Warn, "careful")),
				finding("x-rule", policy.Warn, "heads up"),
			},
			wantAllowed: false, wantCode: http.StatusForbidden,
			wantMessage: "[b-rule] second",
			wantWarnings: []string{
				"[x-rule] heads up",
				"[d-rule] counted only (waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)",
				"[w-rule] careful (waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)",
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resp := respond.Verdict(tt.findings, clusterconfig.DefaultLimits().MaxFindings)

			assert.Equal(t, tt.wantAllowed, resp.Allowed)
			require.NotNil(t, resp.Result)
			assert.Equal(t, tt.wantCode, resp.Result.Code)
			assert.Equal(t, tt.wantMessage, resp.Result.Message)
			assert.Equal(t, tt.wantWarnings, resp.Warnings)
		})
	}
}

type op struct {
	Operation, Path string
	Value           any
}

func TestPatchHoldsOnlyTheFilledInFields(t *testing.T) {
	tests := map[string]struct {
		original string
		wantOps  []op
	}{
		"a missing revision is added and nothing else": {
			original: `{"kind":"Application","spec":{"project":"shop","revisionHistoryLimit":12345678901234567890,` +
				`"source":{"repoURL":"r","helm":{"values":"a: <&>","valuesObject":{"ratio":0.10000000000000001,"big":1e300}}}}}`,
			wantOps: []op{{"add", "/spec/source/targetRevision", "HEAD"}},
		},
		"an empty revision is replaced": {
			original: `{"kind":"Application","spec":{"source":{"repoURL":"r","targetRevision":""}}}`,
			wantOps:  []op{{"add", "/spec/source/targetRevision", "HEAD"}}, // an add replaces a member that is there
		},
		"a revision in the second source is added at its index": {
			original: `{"kind":"Application","spec":{"sources":[{"repoURL":"a","targetRevision":"main"},{"repoURL":"b"}]}}`,
			wantOps:  []op{{"add", "/spec/sources/1/targetRevision", "HEAD"}},
		},
		"the dry source's revision is added": {
			original: `{"kind":"Application","spec":{"sourceHydrator":{"drySource":{"repoURL":"r"}}}}`,
			wantOps:  []op{{"add", "/spec/sourceHydrator/drySource/targetRevision", "HEAD"}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			app, err := decode.Object([]byte(tt.original), field.NewPath("object"))
			require.NoError(t, err)
			changes := defaults.Application(app, nil, clusterconfig.Default())
			require.NotEmpty(t, changes)

			resp := respond.Patch(app, changes)

			assert.True(t, resp.Allowed)
			var got []op
			for _, p := range resp.Patches {
				got = append(got, op{p.Operation, p.Path, p.Value})
			}
			assert.Equal(t, tt.wantOps, got)
		})
	}
}

func TestPatchOfAnUnchangedObjectIsEmpty(t *testing.T) {
	original := `{"kind":"Application","spec":{"n":12345678901234567890,"source":{"repoURL":"r","targetRevision":"main"}}}`
	app, err := decode.Object([]byte(original), field.NewPath("object"))
	require.NoError(t, err)

	resp := respond.Patch(app, defaults.Application(app, nil, clusterconfig.Default()))

	assert.True(t, resp.Allowed)
	assert.Empty(t, resp.Patches)
	assert.Nil(t, resp.PatchType)
}

func TestPatchIsTheSameForTheSameRequest(t *testing.T) {
	// Many sources and a Tenant give many operations, on keys of one map: the
	// order a map yields them in changes from run to run, the patch must not.
	original := `{"kind":"Application","metadata":{"name":"shop","namespace":"argocd"},"spec":{"sources":[` +
		`{"repoURL":"a","chart":"c"},{"repoURL":"b","chart":"c"},{"repoURL":"c"},{"repoURL":"d"},` +
		`{"repoURL":"e"},{"repoURL":"f"},{"repoURL":"g"},{"repoURL":"h"},{"repoURL":"i"},{"repoURL":"j"},{"repoURL":"k"}]}}`
	tenant := map[string]any{"metadata": map[string]any{"name": "shop"},
		"spec": map[string]any{"environment": "staging", "arch": "arm64", "airGapped": true, "registryMirror": "mirror.example.com"}}
	var first string
	for i := range 20 {
		app, err := decode.Object([]byte(original), field.NewPath("object"))
		require.NoError(t, err)
		changes := defaults.Application(app, tenant, clusterconfig.Default())
		require.NotEmpty(t, changes)
		resp := respond.Patch(app, changes)
		require.NoError(t, resp.Complete(admission.Request{}))
		if i == 0 {
			first = string(resp.Patch)
			require.Contains(t, first, "/spec/sources/10/targetRevision")
			continue
		}
		require.Equal(t, first, string(resp.Patch), "run %d", i)
	}
	assert.Less(t, strings.Index(first, "/spec/sources/2/"), strings.Index(first, "/spec/sources/10/"), "list indexes in numeric order")
}

func TestVerdictListsAtMostMaxFindings(t *testing.T) {
	var findings policy.Findings
	for i := range 25 {
		findings = append(findings, finding("app-pinned-revision", policy.Deny, fmt.Sprintf("source %d is pinned", i)))
	}

	resp := respond.Verdict(findings, 3)

	lines := strings.Split(resp.Result.Message, "\n")
	assert.Equal(t, []string{
		"[app-pinned-revision] source 0 is pinned", "[app-pinned-revision] source 1 is pinned",
		"[app-pinned-revision] source 2 is pinned", "... and 22 more findings (limits.maxFindings)",
	}, lines)
}

func TestWaivedFindingsShareTheWarningCap(t *testing.T) {
	findings := policy.Findings{finding("w-rule", policy.Warn, "careful")}
	for i := range 5 {
		findings = append(findings, waived(finding("app-pinned-revision", policy.Deny, fmt.Sprintf("source %d is pinned", i))))
	}

	resp := respond.Verdict(findings, 3)

	assert.True(t, resp.Allowed)
	assert.Equal(t, []string{
		"[w-rule] careful",
		"[app-pinned-revision] source 0 is pinned (waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)",
		"[app-pinned-revision] source 1 is pinned (waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)",
		"... and 3 more findings (limits.maxFindings)",
	}, resp.Warnings)
}
