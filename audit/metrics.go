package audit

import (
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/policy"
)

// otherLabel stands for the values of a label outside its closed set: rules
// not in the loaded rule set, namespaces beyond NamespaceSeries.
const otherLabel = "_other"

var (
	// Findings are the last audit's findings, by rule and enforcement; the
	// rule label takes the ids of the loaded rule set, anything else counted as _other.
	Findings = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tenantguard_audit_findings",
		Help: "Findings of the last audit, by rule id and enforcement (deny, warn, dryrun).",
	}, []string{"rule", "enforcement"})
	// NamespaceFindings are the last audit's findings on Applications, by
	// namespace: a series for each of the NamespaceSeries namespaces with the
	// most, the rest summed as _other, so that the series stay few however
	// many namespaces hold Applications.
	NamespaceFindings = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tenantguard_audit_namespace_findings",
		Help: "Findings of the last audit on Applications, by namespace: the namespaces with the most, the others summed as _other.",
	}, []string{"namespace"})
	// Objects are the objects the last audit judged, by kind.
	Objects = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tenantguard_audit_objects",
		Help: "Objects judged by the last audit, by kind (Application, Tenant).",
	}, []string{"kind"})
	// Tenants are the Tenants by their PolicyCompliant status after the last audit.
	Tenants = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tenantguard_audit_tenants",
		Help: "Tenants by the status of their PolicyCompliant condition after the last audit (True, False).",
	}, []string{"status"})
	// LastRun is when the last audit that completed ended.
	LastRun = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "tenantguard_audit_last_run_timestamp_seconds",
		Help: "Unix time at which the last completed audit ended.",
	})
	// Duration is how long the last completed audit took.
	Duration = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "tenantguard_audit_duration_seconds",
		Help: "Time the last completed audit took, listing and writing included.",
	})
	// Runs counts audits by result (succeeded, failed).
	Runs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tenantguard_audit_runs_total",
		Help: "Audits run, by result (succeeded, failed).",
	}, []string{"result"})
)

var registerOnce sync.Once

// registerMetrics adds the audit's metrics to controller-runtime's registry, once.
func registerMetrics() {
	registerOnce.Do(func() {
		ctrlmetrics.Registry.MustRegister(Findings, NamespaceFindings, Objects, Tenants, LastRun, Duration, Runs)
	})
}

// record sets the gauges from one completed audit.
func record(t *tally, rules []string, namespaceSeries int, compliant, total int, started, ended time.Time) {
	Findings.Reset()
	for _, e := range []policy.Enforcement{policy.Deny, policy.Warn, policy.DryRun} {
		for _, rule := range rules {
			Findings.WithLabelValues(rule, string(e)).Set(0)
		}
	}
	for key, n := range t.rules {
		rule := key.rule
		if !slices.Contains(rules, rule) {
			rule = otherLabel
		}
		Findings.WithLabelValues(rule, string(key.enforcement)).Add(float64(n))
	}
	NamespaceFindings.Reset()
	for i, nc := range t.namespaceFindings() {
		ns := nc.namespace
		if i >= namespaceSeries {
			ns = otherLabel
		}
		NamespaceFindings.WithLabelValues(ns).Add(float64(nc.findings))
	}
	for _, kind := range []model.Kind{model.KindApplication, model.KindTenant} {
		Objects.WithLabelValues(string(kind)).Set(float64(t.objects[kind]))
	}
	Tenants.WithLabelValues("True").Set(float64(compliant))
	Tenants.WithLabelValues("False").Set(float64(total - compliant))
	LastRun.Set(float64(ended.Unix()))
	Duration.Set(ended.Sub(started).Seconds())
}
