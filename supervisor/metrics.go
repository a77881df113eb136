package supervisor

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// conditionStatuses are the values of a condition's status label; a Tenant
// without the condition counts as Unknown.
var conditionStatuses = []metav1.ConditionStatus{metav1.ConditionTrue, metav1.ConditionFalse, metav1.ConditionUnknown}

// tenantsDesc is tenantguard_supervisor_tenants{condition,status}: Tenants
// by the status of each of the supervisor's conditions. Both labels take
// values from closed sets: conditionTypes and conditionStatuses.
var tenantsDesc = prometheus.NewDesc(
	"tenantguard_supervisor_tenants",
	"Tenants by the status of each supervisor condition (Ready, NamespaceReady, ProjectReady, ApplicationReady); a Tenant without the condition counts as Unknown.",
	[]string{"condition", "status"}, nil,
)

// tenantCollector counts the cached Tenants by condition when scraped. The
// cache is the one of the manager started last: tests start several in one
// process, a binary one.
type tenantCollector struct {
	reader atomic.Pointer[client.Reader]
}

var (
	collector    = &tenantCollector{}
	registerOnce sync.Once
)

// registerMetrics registers the Tenant gauge once and points it at reader.
func registerMetrics(reader client.Reader) {
	collector.reader.Store(&reader)
	registerOnce.Do(func() { ctrlmetrics.Registry.MustRegister(collector) })
}

// Describe implements prometheus.Collector.
func (c *tenantCollector) Describe(ch chan<- *prometheus.Desc) { ch <- tenantsDesc }

// Collect implements prometheus.Collector: every condition and status, zeros included.
func (c *tenantCollector) Collect(ch chan<- prometheus.Metric) {
	counts := map[string]map[metav1.ConditionStatus]int{}
	for _, typ := range conditionTypes {
		counts[typ] = map[metav1.ConditionStatus]int{}
	}
	if reader := c.reader.Load(); reader != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var tenants tenantv1.TenantList
		// Read only: no copy of every Tenant's conditions for each scrape.
		if err := (*reader).List(ctx, &tenants, client.UnsafeDisableDeepCopy); err == nil {
			for i := range tenants.Items {
				countConditions(counts, tenants.Items[i].Status.Conditions)
			}
		}
	}
	for _, typ := range conditionTypes {
		for _, status := range conditionStatuses {
			ch <- prometheus.MustNewConstMetric(tenantsDesc, prometheus.GaugeValue, float64(counts[typ][status]), typ, string(status))
		}
	}
}

func countConditions(counts map[string]map[metav1.ConditionStatus]int, conditions []metav1.Condition) {
	for _, typ := range conditionTypes {
		status := metav1.ConditionUnknown
		for _, c := range conditions {
			if c.Type == typ && (c.Status == metav1.ConditionTrue || c.Status == metav1.ConditionFalse) {
				status = c.Status
			}
		}
		counts[typ][status]++
	}
}
