package eval_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/eval"
	"github.com/tenantguard/tenantguard/manifests"
	"github.com/tenantguard/tenantguard/policies"
)

const pinned = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd}
spec:
  project: tenant-shop
  source: {repoURL: https://git.example.com/p.git, path: staging/shop, targetRevision: 3f1c9a0}
`

// hold is a PolicyException waiving the pin on argocd/shop until expires.
func hold(name, expires string) string {
	return `apiVersion: tenantguard.io/v1alpha1
kind: PolicyException
metadata: {name: ` + name + `}
spec:
  rules: [app-pinned-revision]
  match: {kind: Application, namespace: argocd, names: [shop]}
  reason: INC-4211
  requestedBy: alice
  expires: "` + expires + `"
`
}

// judge evaluates stream with the options and returns the findings on its
// first document.
func judge(t *testing.T, stream string, opts eval.Options) policy.Findings {
	t.Helper()
	engine, err := policy.NewWithConfig(t.Context(), policies.FS, clusterconfig.Default())
	require.NoError(t, err)
	in, err := manifests.Open([]string{manifests.Stdin}, strings.NewReader(stream))
	require.NoError(t, err)
	defer in.Close()
	p := eval.WithContext(pipeline.Pipeline{Config: clusterconfig.Default(), Engine: engine}, in, opts)
	results, err := eval.EvaluateInputs(t.Context(), p, in)
	require.NoError(t, err)
	require.NotEmpty(t, results)
	return results[0].Findings
}

var (
	beforeNoon = clocktesting.NewFakePassiveClock(time.Date(2026, 12, 6, 11, 59, 59, 0, time.UTC))
	atNoon     = clocktesting.NewFakePassiveClock(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
)

func TestAnExceptionAmongTheDocumentsWaivesUntilTheClockReachesItsExpiry(t *testing.T) {
	stream := pinned + "---\n" + hold("inc-4211", "2026-12-06T12:00:00Z")

	findings := judge(t, stream, eval.Options{Clock: beforeNoon})
	require.Len(t, findings.Waived(), 1)
	assert.Equal(t, "inc-4211", findings[0].WaivedBy.Name)

	findings = judge(t, stream, eval.Options{Clock: atNoon})
	assert.Empty(t, findings.Waived())
	assert.Len(t, findings.With(policy.Deny), 1)
}

func TestAnExceptionGivenForContextWaivesAsOneAmongTheDocuments(t *testing.T) {
	doc, err := manifests.Read([]string{manifests.Stdin}, strings.NewReader(hold("inc-4211", "2026-12-06T12:00:00Z")))
	require.NoError(t, err)
	opts := eval.Options{Clock: beforeNoon, Context: manifests.Context{Exceptions: []map[string]any{doc[0].Object}}}

	findings := judge(t, pinned, opts)
	require.Len(t, findings.Waived(), 1)
	assert.Equal(t, "inc-4211", findings[0].WaivedBy.Name)
}

func TestTheDocumentsExceptionComesBeforeOneOfTheSameNameGivenForContext(t *testing.T) {
	later, err := manifests.Read([]string{manifests.Stdin}, strings.NewReader(hold("inc-4211", "2027-01-01T00:00:00Z")))
	require.NoError(t, err)
	opts := eval.Options{Clock: atNoon, Context: manifests.Context{Exceptions: []map[string]any{later[0].Object}}}

	findings := judge(t, pinned+"---\n"+hold("inc-4211", "2026-12-06T12:00:00Z"), opts)
	assert.Empty(t, findings.Waived(), "the document's inc-4211, expired at noon, counts")
}
