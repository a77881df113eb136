// Package metrics holds tenantguard's Prometheus metrics, registered with
// controller-runtime's registry and served on the manager's metrics endpoint.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

var (
	// Reviews counts admission reviews by webhook, kind, operation and decision
	// (allowed, patched, denied, warned, malformed, failed).
	Reviews = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tenantguard_reviews_total",
		Help: "Admission reviews answered, by webhook, kind, operation and decision.",
	}, []string{"webhook", "kind", "operation", "decision"})

	// ReviewDuration is the time to answer a review, by webhook.
	ReviewDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "tenantguard_review_duration_seconds",
		Help:    "Time to answer an admission review, by webhook.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
	}, []string{"webhook"})

	// EvaluationDuration is the time the rule set takes on one review.
	EvaluationDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "tenantguard_policy_evaluation_duration_seconds",
		Help:    "Time to evaluate the rule set on one review.",
		Buckets: prometheus.ExponentialBuckets(0.00005, 2, 16),
	})

	// Violations counts findings by rule and enforcement.
	Violations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tenantguard_violations_total",
		Help: "Rule findings, by rule id and enforcement (deny, warn, dryrun).",
	}, []string{"rule", "enforcement"})

	// PolicyRevision is 1 for the revision of the policies and config being served.
	PolicyRevision = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tenantguard_policy_revision_info",
		Help: "The revision (content hash) of the policies and cluster config being served; 1 for the current one.",
	}, []string{"revision"})

	// ReloadFailures counts policy or config changes that were refused.
	ReloadFailures = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "tenantguard_reload_failures_total",
		Help: "Changed policies or cluster config that failed to load; the last good ones keep serving.",
	})
)

// Register adds tenantguard's metrics to controller-runtime's registry. It is
// safe to call more than once.
func Register() {
	for _, c := range []prometheus.Collector{Reviews, ReviewDuration, EvaluationDuration, Violations, PolicyRevision, ReloadFailures} {
		if err := ctrlmetrics.Registry.Register(c); err != nil {
			if _, already := err.(prometheus.AlreadyRegisteredError); !already {
				panic(err)
			}
		}
	}
}
