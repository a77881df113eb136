package pipeline_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/test/support/runstats"
)

// benchNow is the time the benchmark's exceptions are judged at: each of
// them is in force.
var benchNow = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

// manyExceptions are n exceptions in force as a large cluster holds them:
// one for each of n Applications of n other tenants, each waiving two rules,
// and, when waiving, one more for the Application under review.
func manyExceptions(n int, waiving bool) []*tenantv1.PolicyException {
	expires := metav1.NewTime(benchNow.Add(24 * time.Hour))
	exception := func(name, app, tenant string) *tenantv1.PolicyException {
		return &tenantv1.PolicyException{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: tenantv1.PolicyExceptionSpec{
				Rules:  []string{"app-pinned-revision", "app-environment-path"},
				Match:  tenantv1.ExceptionMatch{Kind: "Application", Namespace: "argocd", Names: []string{app}, Tenant: tenant},
				Reason: "INC-4211", RequestedBy: "alice", Expires: &expires, ApprovedBy: "alice",
			},
		}
	}
	out := make([]*tenantv1.PolicyException, 0, n+1)
	for i := range n {
		out = append(out, exception(fmt.Sprintf("inc-%04d", i), fmt.Sprintf("app-%04d", i), fmt.Sprintf("team-%04d", i)))
	}
	if waiving {
		out = append(out, exception("inc-shop", "shop", "shop"))
	}
	return out
}

// benchIndex is eval's lookup of the exceptions among its documents. The
// serve's Finder over the informer cache is measured by the load program
// (-exceptions), against a real API server: controller-runtime's fake
// client filters a list by converting every object, which no cache does.
func benchIndex(b *testing.B, exceptions []*tenantv1.PolicyException) exceptionlookup.Lookup {
	docs := make([]map[string]any, len(exceptions))
	for i, e := range exceptions {
		doc, err := exceptionlookup.ToMap(e)
		require.NoError(b, err)
		docs[i] = doc
	}
	return exceptionlookup.NewIndex(docs)
}

// BenchmarkExceptions judges the Application "shop" of the Tenant shop
// without exceptions, then with 1,000 in the cluster for other
// Applications: clean (every rule runs to its end, no exception applies)
// and pinned to a commit (one finding, which one more exception waives).
//
//	go test ./engine/pipeline -run '^$' -bench Exceptions -count 6
func BenchmarkExceptions(b *testing.B) {
	for _, app := range []struct {
		name    string
		version string
	}{{"clean", "HEAD"}, {"waived", "3f1c9a0"}} {
		b.Run(app.name+"/none", func(b *testing.B) { benchValidate(b, app.version, nil) })
		lookup := benchIndex(b, manyExceptions(1000, app.name == "waived"))
		b.Run(app.name+"/1000", func(b *testing.B) { benchValidate(b, app.version, lookup) })
	}
}

func benchValidate(b *testing.B, revision string, lookup exceptionlookup.Lookup) {
	snapshot, err := live.Loader{}.Load(b.Context())
	require.NoError(b, err)
	var tenant map[string]any
	require.NoError(b, json.Unmarshal([]byte(shopTenant), &tenant))
	p := &pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine, Exceptions: lookup,
		Tenants: tenantlookup.NewIndex([]map[string]any{tenant}, snapshot.Config),
		Clock:   clocktesting.NewFakePassiveClock(benchNow)}
	app := object(b, pinnedApp, func(o map[string]any) {
		o["metadata"].(map[string]any)["labels"] = map[string]any{"tenantguard.io/tenant": "shop"}
		o["spec"].(map[string]any)["source"].(map[string]any)["targetRevision"] = revision
	})
	check := func(findings policy.Findings) {
		if len(findings.With(policy.Deny)) > 0 {
			b.Fatalf("refused: %v", findings.Strings())
		}
	}
	b.ReportAllocs()
	start := runstats.ProcessCPU()
	for b.Loop() {
		review, err := decode.Manifest(app, p.Config.Limits)
		if err != nil {
			b.Fatal(err)
		}
		findings, err := p.Validate(b.Context(), review)
		if err != nil {
			b.Fatal(err)
		}
		if revision == "HEAD" || lookup != nil {
			check(findings)
		}
	}
	b.ReportMetric(float64((runstats.ProcessCPU()-start).Microseconds())/float64(b.N), "cpu-µs/op")
}
