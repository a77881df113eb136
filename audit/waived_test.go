package audit

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/policies"
)

func waivedFinding(rule string, e policy.Enforcement) policy.Finding {
	f := finding(rule, e)
	f.WaivedBy = &policy.Waiver{Name: "inc-4211", Expires: "2026-12-06T12:00:00Z", Reason: "INC-4211: pin shop"}
	return f
}

func TestAWaivedFindingIsASkipNamingItsException(t *testing.T) {
	tl := newTally(10, metav1.Timestamp{})
	require.NoError(t, tl.add(appVerdict("argocd", "shop", "shop", waivedFinding("app-pinned-revision", policy.Deny), finding("app-x", policy.Warn))))

	r := tl.reports["argocd"]
	require.Len(t, r.results, 2)
	skip := r.results[0]
	assert.Equal(t, "skip", string(skip.Result))
	assert.Equal(t, "high", string(skip.Severity), "the severity stays the enforcement's")
	assert.Equal(t, "app-pinned-revision", skip.Policy)
	assert.Equal(t, "broken app-pinned-revision (waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)", skip.Description)
	assert.Equal(t, map[string]string{
		"enforcement": "deny", "field": "spec.source",
		PropertyWaivedBy: "inc-4211", PropertyWaivedUntil: "2026-12-06T12:00:00Z", PropertyWaiverReason: "INC-4211: pin shop",
	}, skip.Properties)
	assert.Equal(t, 1, r.summary.Skip)
	assert.Equal(t, 0, r.summary.Fail, "a waived deny fails nothing")
	assert.Equal(t, 1, r.summary.Warn)
	assert.Equal(t, 1, tl.waived)
	assert.Equal(t, map[ruleKey]int{{"app-x", policy.Warn}: 1}, tl.rules, "the findings metric leaves waived findings out")
}

func TestAWaivedFindingsMessageKeepsTheExceptionWhenCut(t *testing.T) {
	f := waivedFinding("app-x", policy.Deny)
	f.Message = strings.Repeat("x", 4*maxMessage)

	d := description(f)

	assert.LessOrEqual(t, len(d), maxMessage)
	assert.True(t, strings.HasSuffix(d, "... (waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)"), d)
}

func TestWaivedFindingsLeaveTheTenantCompliant(t *testing.T) {
	tl := newTally(10, metav1.Timestamp{})
	require.NoError(t, tl.add(appVerdict("argocd", "shop", "shop", waivedFinding("app-pinned-revision", policy.Deny))))
	require.NoError(t, tl.add(appVerdict("argocd", "cart", "cart", waivedFinding("app-pinned-revision", policy.Deny), finding("app-x", policy.Warn))))

	shop := compliance(tl.tenants["shop"], 1)
	assert.Equal(t, metav1.ConditionTrue, shop.Status)
	assert.Equal(t, ReasonNoFindings, shop.Reason)
	assert.Equal(t, "the last audit found no finding on the tenant's Applications but 1 waived by PolicyExceptions until they expire", shop.Message)
	cart := compliance(tl.tenants["cart"], 1)
	assert.Equal(t, metav1.ConditionFalse, cart.Status)
	assert.True(t, strings.HasPrefix(cart.Message, "1 findings on 1 of the tenant's Applications (0 deny, 1 warn, 0 dryrun)"), cart.Message)
}

// pinnedShop is a staging Application pinned to a commit, which
// app-pinned-revision denies, and pinShop the exception that waives it.
var (
	pinnedShop = map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": map[string]any{"name": "shop", "namespace": "argocd", "uid": "u-1"},
		"spec": map[string]any{
			"project":     "tenant-shop",
			"destination": map[string]any{"server": "https://kubernetes.default.svc", "namespace": "tenant-shop"},
			"source": map[string]any{
				"repoURL": "https://git.example.com/platform/tenants.git", "path": "staging/shop", "targetRevision": "3f1c9a0",
			},
		},
	}
	pinShop = map[string]any{
		"apiVersion": "tenantguard.io/v1alpha1", "kind": "PolicyException",
		"metadata": map[string]any{"name": "inc-4211"},
		"spec": map[string]any{
			"rules": []any{"app-pinned-revision"}, "reason": "INC-4211", "requestedBy": "alice", "expires": "2026-12-06T12:00:00Z",
			"match": map[string]any{"kind": "Application", "namespace": "argocd", "names": []any{"shop"}},
		},
	}
)

func TestTheAuditSkipsAWaivedFindingUntilTheExceptionExpires(t *testing.T) {
	cfg := clusterconfig.Default()
	engine, err := policy.NewWithConfig(t.Context(), policies.FS, cfg)
	require.NoError(t, err)
	clock := clocktesting.NewFakePassiveClock(time.Date(2026, 12, 6, 11, 59, 59, 0, time.UTC))
	p := &pipeline.Pipeline{Config: cfg, Engine: engine, Exceptions: exceptionlookup.NewIndex([]map[string]any{pinShop}), Clock: clock}
	resultOf := func() string {
		v := judge(t.Context(), p, copyOf(pinnedShop))
		require.NoError(t, v.Err)
		tl := newTally(10, metav1.Timestamp{})
		require.NoError(t, tl.add(&v))
		var results []string
		for _, r := range tl.reports["argocd"].results {
			results = append(results, r.Policy+"="+string(r.Result))
		}
		return strings.Join(results, ",")
	}

	assert.Equal(t, "app-pinned-revision=skip", resultOf())
	clock.SetTime(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	assert.Equal(t, "app-pinned-revision=fail", resultOf(), "at its expiry the finding fails again")
}

// copyOf copies obj deeply enough for judge, which drops its status.
func copyOf(obj map[string]any) map[string]any {
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	return out
}
