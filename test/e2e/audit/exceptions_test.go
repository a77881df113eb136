package audit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	reportsv1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/audit"
	"github.com/tenantguard/tenantguard/exceptions"
)

// The incident of docs/exceptions.md on the tests' clock: an approver
// waives app-pinned-revision for one Application for an hour; the pin is
// admitted, the audit reports it as skip naming the exception, and the
// Tenant stays compliant. At the expiry the exception turns Expired and the
// same pin is a fail again.
func TestAWaivedPinIsASkipUntilTheExceptionExpiresThenAFail(t *testing.T) {
	ns := createNamespace(t)
	tenant := createTenant(t, "amd64")
	app := createApplication(t, ns, tenant)
	waitForCompliance(t, tenant.Name, metav1.ConditionTrue)
	expires := clock.Now().Add(time.Hour)
	pex := createException(t, ns, app.GetName(), expires)
	waitForExceptionState(t, pex.Name, tenantv1.StateActive, metav1.ConditionFalse, exceptions.ReasonActive)

	until := expires.UTC().Format(time.RFC3339)
	warnings, err := pin(t, app, "3f1c9a0")
	require.NoError(t, err, "the exception admits the pin")
	require.Len(t, warnings, 1)
	assert.True(t, strings.HasPrefix(warnings[0], "[app-pinned-revision] Application "+ns+"/"+app.GetName()), warnings[0])
	assert.True(t, strings.HasSuffix(warnings[0], fmt.Sprintf("(waived by PolicyException %s until %s)", pex.Name, until)), warnings[0])
	_, err = pin(t, createApplication(t, ns, tenant), "3f1c9a0")
	require.Error(t, err, "the same pin on another Application is refused")
	assert.Contains(t, err.Error(), "[app-pinned-revision]")
	skip := waitForResult(t, ns, app.GetName(), "app-pinned-revision", "skip")
	assert.Equal(t, pex.Name, skip.Properties[audit.PropertyWaivedBy])
	assert.Equal(t, until, skip.Properties[audit.PropertyWaivedUntil])
	assert.Contains(t, skip.Description, fmt.Sprintf("(waived by PolicyException %s until %s)", pex.Name, until))
	assert.Equal(t, 1, report(t, ns).Summary.Skip)
	assert.Equal(t, 0, report(t, ns).Summary.Fail)
	waitForCompliance(t, tenant.Name, metav1.ConditionTrue, "1 waived by PolicyExceptions")
	assert.Equal(t, 1.0, exceptionGauge(t, "app-pinned-revision", "active"))

	clock.SetTime(expires)
	c := waitForExceptionState(t, pex.Name, tenantv1.StateExpired, metav1.ConditionTrue, exceptions.ReasonExpired)
	assert.Contains(t, c.Message, until, "the condition names the expiry")
	fail := waitForResult(t, ns, app.GetName(), "app-pinned-revision", "fail")
	assert.Empty(t, fail.Properties[audit.PropertyWaivedBy])
	assert.Equal(t, 0, report(t, ns).Summary.Skip)
	waitForCompliance(t, tenant.Name, metav1.ConditionFalse, "1 findings on 1 of the tenant's Applications")
	assert.Equal(t, 0.0, exceptionGauge(t, "app-pinned-revision", "active"))
	assert.GreaterOrEqual(t, exceptionGauge(t, "app-pinned-revision", "expired"), 1.0)
	_, err = pin(t, app, "9b2e4d1")
	require.Error(t, err, "after the expiry the webhook refuses the pin")
	assert.Contains(t, err.Error(), "[app-pinned-revision]")
}

// An expired exception is kept as the record until the config says after
// how long to delete it; a reload of the config reaches the exceptions
// already expired, and the server's own RBAC lets it delete them.
func TestAnExpiredExceptionIsDeletedOnceTheConfigSaysAfterHowLong(t *testing.T) {
	ns := createNamespace(t)
	tenant := createTenant(t, "amd64")
	app := createApplication(t, ns, tenant)
	expires := clock.Now().Add(time.Hour)
	pex := createException(t, ns, app.GetName(), expires)
	waitForExceptionState(t, pex.Name, tenantv1.StateActive, metav1.ConditionFalse, exceptions.ReasonActive)

	clock.SetTime(expires.Add(time.Minute))
	waitForExceptionState(t, pex.Name, tenantv1.StateExpired, metav1.ConditionTrue, exceptions.ReasonExpired)

	writeConfig(t, "allowedRepos: ["+repoURL+"]\nsupervisor: {repoURL: "+repoURL+"}\n"+
		"exceptions: {approverGroups: [system:masters], deleteExpiredAfter: 1m}\n")
	t.Cleanup(func() { writeConfig(t, baseConfig) })
	require.Eventually(t, func() bool {
		return apierrors.IsNotFound(reader.Get(context.Background(), client.ObjectKeyFromObject(pex), &tenantv1.PolicyException{}))
	}, within, 50*time.Millisecond, "PolicyException %s is deleted a minute after its expiry", pex.Name)
}

// createException creates, as an approver, an exception of app-pinned-revision
// for the Application ns/name until expires, deleted at the test's end.
func createException(t *testing.T, ns, name string, expires time.Time) *tenantv1.PolicyException {
	t.Helper()
	pex := &tenantv1.PolicyException{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("inc-%d", counter.Add(1))},
		Spec: tenantv1.PolicyExceptionSpec{
			Rules:  []string{"app-pinned-revision"},
			Match:  tenantv1.ExceptionMatch{Kind: "Application", Namespace: ns, Names: []string{name}},
			Reason: "INC-4211: hold on the last good commit", RequestedBy: "dana@example.com",
			Expires: &metav1.Time{Time: expires},
		},
	}
	require.NoError(t, env.Client.Create(context.Background(), pex))
	t.Cleanup(func() { _ = env.Client.Delete(context.Background(), pex) })
	require.Eventually(t, func() bool {
		return env.Cache.Get(context.Background(), client.ObjectKeyFromObject(pex), &tenantv1.PolicyException{}) == nil
	}, within, 10*time.Millisecond, "the webhook's cache sees PolicyException %s", pex.Name)
	return pex
}

// pin sets an Application's revision to a commit, through the webhooks, and
// returns the admission warnings the API server passed on.
func pin(t *testing.T, app *unstructured.Unstructured, revision string) ([]string, error) {
	t.Helper()
	var warnings warningRecorder
	cfg := rest.CopyConfig(env.Config)
	cfg.WarningHandler = &warnings
	c, err := client.New(cfg, client.Options{Scheme: env.Client.Scheme()})
	require.NoError(t, err)
	patch := []byte(fmt.Sprintf(`{"spec":{"source":{"targetRevision":%q}}}`, revision))
	err = c.Patch(context.Background(), app.DeepCopy(), client.RawPatch("application/merge-patch+json", patch))
	return warnings.texts, err
}

// warningRecorder keeps the warnings of a client's responses.
type warningRecorder struct {
	mu    sync.Mutex
	texts []string
}

// HandleWarningHeader implements rest.WarningHandler.
func (w *warningRecorder) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.texts = append(w.texts, text)
}

// waitForResult waits until the Report of ns holds a result of rule about
// the object named name with the given result, and returns it.
func waitForResult(t *testing.T, ns, name, rule, result string) reportsv1.ReportResult {
	t.Helper()
	var found reportsv1.ReportResult
	var seen []string
	require.Eventually(t, func() bool {
		seen = nil
		r := report(t, ns)
		if r == nil {
			return false
		}
		for _, res := range r.Results {
			if res.Policy == rule && slices.ContainsFunc(res.Subjects, func(s corev1.ObjectReference) bool { return s.Name == name }) {
				seen = append(seen, string(res.Result))
				if string(res.Result) == result {
					found = res
					return true
				}
			}
		}
		return false
	}, within, 50*time.Millisecond, "Report of %s: want %s %s about %s, last seen %v", ns, rule, result, name, &seen)
	return found
}

// waitForExceptionState waits until the exception's status.state is state
// and its Expired condition has status and reason, and returns the condition.
func waitForExceptionState(t *testing.T, name, state string, status metav1.ConditionStatus, reason string) *metav1.Condition {
	t.Helper()
	var last tenantv1.PolicyException
	var c *metav1.Condition
	require.Eventually(t, func() bool {
		if reader.Get(context.Background(), client.ObjectKey{Name: name}, &last) != nil {
			return false
		}
		c = meta.FindStatusCondition(last.Status.Conditions, tenantv1.ConditionExpired)
		return last.Status.State == state && c != nil && c.Status == status && c.Reason == reason
	}, within, 50*time.Millisecond, "PolicyException %s: want state %s, Expired=%s (%s), last seen %+v", name, state, status, reason, &last.Status)
	return c
}

// exceptionGauge reads tenantguard_policy_exceptions{rule,state} from the
// registry the server's metrics endpoint serves.
func exceptionGauge(t *testing.T, rule, state string) float64 {
	t.Helper()
	families, err := ctrlmetrics.Registry.(prometheus.Gatherer).Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != "tenantguard_policy_exceptions" {
			continue
		}
		for _, m := range f.GetMetric() {
			if labels(m)["rule"] == rule && labels(m)["state"] == state {
				return m.GetGauge().GetValue()
			}
		}
	}
	require.Failf(t, "no series", "tenantguard_policy_exceptions{rule=%q,state=%q}", rule, state)
	return 0
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}
