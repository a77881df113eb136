// Package metrics holds tenantguard's Prometheus metrics, registered with
// controller-runtime's registry and served on the manager's metrics endpoint.
package metrics

import (
	"net/http"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

var (
	// Reviews counts admission reviews by webhook, kind, operation and decision
	// (allowed, patched, denied, warned, malformed, too-large, saturated,
	// failed); count with
	// CountReview, which keeps every label in a closed set.
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

	// Violations counts findings by rule and enforcement; a finding a
	// PolicyException waives is counted as EnforcementWaived, whatever its
	// rule's enforcement, as it refused nothing.
	Violations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tenantguard_violations_total",
		Help: "Rule findings, by rule id and enforcement (deny, warn, dryrun; waived for a finding a PolicyException waives).",
	}, []string{"rule", "enforcement"})

	// PolicyRevision is 1 for the revision of the policies and config being served.
	PolicyRevision = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tenantguard_policy_revision_info",
		Help: "The revision (content hash) of the policies and cluster config being served; 1 for the current one.",
	}, []string{"revision"})

	// ConnectionsShed counts connections closed to make room for a new one
	// when a port had --max-connections open, by server (webhooks, metrics,
	// probes, profiles: tenantguard's own names).
	ConnectionsShed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tenantguard_connections_shed_total",
		Help: "Idle or slow connections closed to make room for a new one at the connection cap, by server.",
	}, []string{"server"})

	// ReloadFailures counts policy or config changes that were refused.
	ReloadFailures = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "tenantguard_reload_failures_total",
		Help: "Changed policies or cluster config that failed to load; the last good ones keep serving.",
	})
)

// EnforcementWaived is the enforcement label of a finding a PolicyException
// waives, in tenantguard_violations_total.
const EnforcementWaived = "waived"

// labelOther stands for every label value outside a closed set.
const labelOther = "other"

// kinds and operations are the closed sets of the kind and operation labels:
// the values come from requests, and any client may send any string, so that
// an open set would let it grow the metrics without bound.
var (
	kinds      = []string{"Application", "ApplicationSet", "Tenant"}
	operations = []string{"CREATE", "UPDATE", "DELETE", "CONNECT"}
)

// CountReview counts one answered review. kind and operation are read from the
// request; values tenantguard does not handle are counted as "other".
func CountReview(webhook, kind, operation string, resp admission.Response) {
	Reviews.WithLabelValues(webhook, closed(kind, kinds), closed(operation, operations), decision(resp)).Inc()
}

// decision names the outcome of a review: patched, warned, allowed, denied,
// malformed, too-large, saturated or failed.
func decision(resp admission.Response) string {
	code := int32(0)
	if resp.Result != nil {
		code = resp.Result.Code
	}
	switch {
	case resp.Allowed && len(resp.Patches) > 0:
		return "patched"
	case resp.Allowed && len(resp.Warnings) > 0:
		return "warned"
	case resp.Allowed:
		return "allowed"
	case code == http.StatusForbidden:
		return "denied"
	case code == http.StatusBadRequest:
		return "malformed"
	case code == http.StatusRequestEntityTooLarge:
		return "too-large"
	case code == http.StatusServiceUnavailable:
		return "saturated"
	default:
		return "failed"
	}
}

func closed(value string, set []string) string {
	if slices.Contains(set, value) {
		return value
	}
	return labelOther
}

// Register adds tenantguard's metrics to controller-runtime's registry. It is
// safe to call more than once.
func Register() {
	for _, c := range []prometheus.Collector{
		Reviews, ReviewDuration, EvaluationDuration, Violations, PolicyRevision, ReloadFailures, ConnectionsShed, PolicyExceptions,
	} {
		if err := ctrlmetrics.Registry.Register(c); err != nil {
			if _, already := err.(prometheus.AlreadyRegisteredError); !already {
				panic(err)
			}
		}
	}
}
