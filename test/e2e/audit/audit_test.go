package audit

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tenantguard/tenantguard/audit"
)

func TestATenantsArchChangeShowsInTheReportTheConditionAndTheMetrics(t *testing.T) {
	ns := createNamespace(t)
	tenant := createTenant(t, "arm64")
	app := createApplication(t, ns, tenant)
	waitForCompliance(t, tenant.Name, metav1.ConditionTrue)
	waitForNoReport(t, ns)

	setArch(t, tenant, "amd64")
	r := waitForRules(t, ns, app.GetName(), "app-arch-mismatch")
	res := r.Results[0]
	assert.Equal(t, "fail", string(res.Result), "a deny finding fails")
	assert.Equal(t, audit.Source, res.Source)
	assert.Contains(t, res.Description, "arm64")
	assert.Equal(t, "deny", res.Properties["enforcement"])
	require.Len(t, res.Subjects, 1)
	assert.Equal(t, "Application", res.Subjects[0].Kind)
	assert.Equal(t, app.GetUID(), res.Subjects[0].UID)
	assert.Equal(t, 1, r.Summary.Fail)
	assert.Equal(t, "tenantguard", r.Labels[audit.ManagedByLabel])
	waitForTenantFindings(t, tenant.Name, ns, 1, app.GetName())
	assert.Equal(t, audit.ReasonFindings, waitForCompliance(t, tenant.Name, metav1.ConditionFalse).Reason)
	assert.Eventually(t, func() bool {
		return testutil.ToFloat64(audit.Findings.WithLabelValues("app-arch-mismatch", "deny")) >= 1 &&
			testutil.ToFloat64(audit.NamespaceFindings.WithLabelValues(ns)) == 1
	}, within, 50*time.Millisecond, "the metrics count the finding, by rule and by namespace")

	setArch(t, tenant, "arm64")
	waitForNoReport(t, ns)
	assert.Equal(t, audit.ReasonNoFindings, waitForCompliance(t, tenant.Name, metav1.ConditionTrue).Reason)
}

func TestAPolicyReloadShowsInTheReportAndItsFixClearsIt(t *testing.T) {
	ns := createNamespace(t)
	tenant := createTenant(t, "amd64")
	app := createApplication(t, ns, tenant)
	waitForCompliance(t, tenant.Name, metav1.ConditionTrue)

	writeConfig(t, "allowedRepos: [https://git.example.com/platform/other.git]\nsupervisor: {repoURL: "+repoURL+"}\n")
	t.Cleanup(func() { writeConfig(t, baseConfig) })
	r := waitForRules(t, ns, app.GetName(), "app-repo-allowed")
	assert.Equal(t, 1, r.Summary.Fail)
	waitForCompliance(t, tenant.Name, metav1.ConditionFalse)

	writeConfig(t, baseConfig)
	waitForNoReport(t, ns)
	waitForCompliance(t, tenant.Name, metav1.ConditionTrue)
}

func TestADeletedApplicationsResultsGo(t *testing.T) {
	ns := createNamespace(t)
	tenant := createTenant(t, "amd64")
	kept := createApplication(t, ns, tenant)
	gone := createApplication(t, ns, tenant)
	setArch(t, tenant, "arm64")
	waitForRules(t, ns, gone.GetName(), "app-arch-mismatch")
	waitForRules(t, ns, kept.GetName(), "app-arch-mismatch")
	waitForTenantFindings(t, tenant.Name, ns, 2, kept.GetName(), gone.GetName())

	deleteApplication(t, gone)
	r := waitForRules(t, ns, gone.GetName())
	assert.Equal(t, []string{"app-arch-mismatch"}, rulesAbout(r, kept.GetName()), "the other Application's result stays")
	assert.Equal(t, 1, r.Summary.Fail)
	// The Tenant's condition counts what the Reports hold about its
	// Applications that remain (the kept one, and the supervisor's, which
	// follows the arch change a moment later): no longer the deleted one's.
	waitForTenantFindings(t, tenant.Name, ns, 1, kept.GetName())

	deleteApplication(t, kept)
	waitForNoReport(t, ns)
}
