package supervisor

import (
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// TestMetricsCountTenantsByCondition reads the server's registry, which
// `tenantguard serve` serves on --metrics-bind-address.
func TestMetricsCountTenantsByCondition(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging"})
	waitForReady(t, tenant.Name)

	// The gauge reads the server's cache, which sees the Ready status a
	// moment after the API server that waitForReady asked.
	var byName map[string]*dto.MetricFamily
	series := map[string]float64{}
	require.Eventually(t, func() bool {
		byName, series = gather(t), map[string]float64{}
		for _, m := range byName["tenantguard_supervisor_tenants"].GetMetric() {
			series[labelsOf(m)["condition"]+"="+labelsOf(m)["status"]] = m.GetGauge().GetValue()
		}
		return series["Ready=True"] >= 1
	}, 10*time.Second, 50*time.Millisecond, "tenantguard_supervisor_tenants counts the Ready Tenant: %v", series)
	assert.Len(t, series, 12, "every condition with every status, zeros included: %v", series)
	assert.Contains(t, series, "ApplicationReady=False")

	reconciles := byName["controller_runtime_reconcile_total"]
	require.NotNil(t, reconciles, "controller-runtime's reconcile metrics")
	var tenantReconciles float64
	for _, m := range reconciles.GetMetric() {
		if labelsOf(m)["controller"] == "tenant" {
			tenantReconciles += m.GetCounter().GetValue()
		}
	}
	assert.Positive(t, tenantReconciles, `controller_runtime_reconcile_total{controller="tenant"}`)
}

// gather reads the server's registry by metric name.
func gather(t *testing.T) map[string]*dto.MetricFamily {
	families, err := ctrlmetrics.Registry.Gather()
	require.NoError(t, err)
	byName := map[string]*dto.MetricFamily{}
	for _, f := range families {
		byName[f.GetName()] = f
	}
	return byName
}

func labelsOf(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}
