package audit

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/policy"
)

func appVerdict(ns, name, tenant string, findings ...policy.Finding) *Verdict {
	return &Verdict{Kind: model.KindApplication, APIVersion: "argoproj.io/v1alpha1", Namespace: ns, Name: name, Tenant: tenant, Findings: findings}
}

func finding(rule string, e policy.Enforcement) policy.Finding {
	return policy.Finding{Rule: rule, Enforcement: e, Field: "spec.source", Message: "broken " + rule}
}

func TestAReportKeepsAtMostMaxResultsAndCountsEveryFinding(t *testing.T) {
	tl := newTally(2, metav1.Timestamp{Seconds: 1})
	for _, name := range []string{"a", "b", "c"} {
		require.NoError(t, tl.add(appVerdict("argocd", name, "shop", finding("app-x", policy.Deny), finding("app-y", policy.Warn))))
	}
	r := tl.reports["argocd"]
	require.Len(t, r.results, 2)
	assert.Equal(t, "a", r.results[0].Subjects[0].Name, "the first results in list order are kept")
	assert.Equal(t, 3, r.summary.Fail)
	assert.Equal(t, 3, r.summary.Warn)
	assert.Equal(t, 6, tl.tenants["shop"].findings)
	assert.Equal(t, 3, tl.tenants["shop"].applications)
}

func TestEnforcementsBecomeOpenReportsResults(t *testing.T) {
	tests := map[string]struct {
		enforcement      policy.Enforcement
		result, severity string
	}{
		"deny fails":                    {policy.Deny, "fail", "high"},
		"warn warns":                    {policy.Warn, "warn", "medium"},
		"dryrun warns at severity info": {policy.DryRun, "warn", "info"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tl := newTally(10, metav1.Timestamp{})
			require.NoError(t, tl.add(appVerdict("ns", "app", "", finding("app-x", tc.enforcement))))
			res := tl.reports["ns"].results[0]
			assert.Equal(t, tc.result, string(res.Result))
			assert.Equal(t, tc.severity, string(res.Severity))
			assert.Equal(t, string(tc.enforcement), res.Properties["enforcement"])
			assert.Equal(t, "app-x", res.Policy)
		})
	}
}

func TestCleanObjectsLeaveNoReportAndTenantsGoToTheClusterReport(t *testing.T) {
	tl := newTally(10, metav1.Timestamp{})
	require.NoError(t, tl.add(appVerdict("ns", "clean", "shop")))
	require.NoError(t, tl.add(&Verdict{Kind: model.KindTenant, Name: "shop", Findings: policy.Findings{finding("tenant-x", policy.Deny)}}))
	require.NoError(t, tl.add(&Verdict{Kind: model.KindTenant, Name: "bad", Err: errors.New("labels: too many")}))
	assert.NotContains(t, tl.reports, "ns")
	assert.Nil(t, tl.tenants["shop"], "a clean Application adds nothing to its Tenant's count")
	cluster := tl.reports[clusterScope]
	require.NotNil(t, cluster)
	assert.Equal(t, 1, cluster.summary.Fail)
	assert.Equal(t, 1, cluster.summary.Error, "an object that could not be judged is an error result")
	assert.Equal(t, 2, tl.objects[model.KindTenant], "every object judged is counted")
	assert.Equal(t, 1, tl.objects[model.KindApplication])
}

func TestLongMessagesAreCutOnACharacterBoundary(t *testing.T) {
	msg := strings.Repeat("é", maxMessage)
	cut := truncate(msg, maxMessage)
	assert.LessOrEqual(t, len(cut), maxMessage)
	assert.True(t, utf8.ValidString(cut))
	assert.True(t, strings.HasSuffix(cut, "..."))
	assert.Equal(t, "short", truncate("short", maxMessage))
}

func TestTheDigestIgnoresTimestampsButNotFindings(t *testing.T) {
	build := func(seconds int64, rule string) *reportTally {
		tl := newTally(10, metav1.Timestamp{Seconds: seconds})
		require.NoError(t, tl.add(appVerdict("ns", "app", "", finding(rule, policy.Deny))))
		return tl.reports["ns"]
	}
	first, err := digestOf(build(1, "app-x"), 10)
	require.NoError(t, err)
	later, err := digestOf(build(2, "app-x"), 10)
	require.NoError(t, err)
	other, err := digestOf(build(1, "app-y"), 10)
	require.NoError(t, err)
	assert.Equal(t, first, later)
	assert.NotEqual(t, first, other)
}

func TestTheComplianceConditionCountsTheTenantsFindings(t *testing.T) {
	clean := compliance(nil, 3)
	assert.Equal(t, metav1.ConditionTrue, clean.Status)
	assert.Equal(t, ReasonNoFindings, clean.Reason)
	assert.Equal(t, int64(3), clean.ObservedGeneration)

	tf := &tenantFindings{byEnforce: map[policy.Enforcement]int{}}
	tf.addApplication(policy.Findings{finding("a", policy.Deny), finding("b", policy.DryRun)})
	broken := compliance(tf, 3)
	assert.Equal(t, metav1.ConditionFalse, broken.Status)
	assert.Equal(t, ReasonFindings, broken.Reason)
	assert.True(t, strings.HasPrefix(broken.Message, "2 findings on 1 of the tenant's Applications (1 deny, 0 warn, 1 dryrun)"), broken.Message)
}

func TestMetricLabelsStayInClosedSets(t *testing.T) {
	registerMetrics()
	tl := newTally(10, metav1.Timestamp{})
	for i, ns := range []string{"a", "b", "c"} {
		for range i + 1 {
			require.NoError(t, tl.add(appVerdict(ns, "app", "", finding("unknown-rule", policy.Deny), finding("app-x", policy.Warn))))
		}
	}
	record(tl, []string{"app-x"}, 2, 0, 0, time.Time{}, time.Time{})
	assert.Equal(t, 6.0, testutil.ToFloat64(Findings.WithLabelValues(otherLabel, "deny")), "a rule outside the rule set counts as _other")
	assert.Equal(t, 6.0, testutil.ToFloat64(Findings.WithLabelValues("app-x", "warn")))
	assert.Equal(t, 6.0, testutil.ToFloat64(NamespaceFindings.WithLabelValues("c")))
	assert.Equal(t, 4.0, testutil.ToFloat64(NamespaceFindings.WithLabelValues("b")))
	assert.Equal(t, 2.0, testutil.ToFloat64(NamespaceFindings.WithLabelValues(otherLabel)), "namespaces past the series limit are summed")
	assert.Equal(t, 3, testutil.CollectAndCount(NamespaceFindings))
}

func TestOptionsLeftZeroTakeTheDefaults(t *testing.T) {
	assert.Equal(t, DefaultOptions(), Options{}.withDefaults())
	assert.Equal(t, DefaultOptions(), Options{Interval: -1, MaxResults: -1, PageSize: -1, Workers: -1, NamespaceSeries: -1}.withDefaults())
	assert.Equal(t, 7, Options{MaxResults: 7}.withDefaults().MaxResults)
}
