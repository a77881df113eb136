package metrics

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// The values of tenantguard_policy_exceptions' state label.
const (
	ExceptionActive  = "active"
	ExceptionExpired = "expired"
)

// ExceptionCount is one series of tenantguard_policy_exceptions: how many
// PolicyExceptions in State waive Rule.
type ExceptionCount struct {
	Rule, State string
	Count       int
}

// policyExceptionsDesc is tenantguard_policy_exceptions{rule,state}. The
// rule label takes the ids of the loaded rule set (the validating webhook
// refuses an exception of any other), the state label active or expired.
var policyExceptionsDesc = prometheus.NewDesc(
	"tenantguard_policy_exceptions",
	"PolicyExceptions by the rule they waive and their state (active, expired); an exception of several rules counts once for each.",
	[]string{"rule", "state"}, nil,
)

// PolicyExceptions is the collector of tenantguard_policy_exceptions. It
// counts when scraped, through the function serve gives CountWith
// (exceptions.RegisterMetrics), rather than holding gauges the exception
// controller updates:
// the count is then that of the exceptions the cache holds at the scrape,
// each judged expired or not at that instant by the same comparison the
// rules make, on every replica (the webhooks' cache holds the exceptions on
// each), with nothing to add or take back as exceptions come, change and go,
// and no series left behind by a deleted one. Exceptions are few, and
// counting them from the cache's index costs a list without copies.
var PolicyExceptions = &exceptionCollector{}

type exceptionCollector struct {
	count atomic.Pointer[func() []ExceptionCount]
}

// CountWith makes count the source of the series, read at each scrape; the
// last call wins (tests start several managers in one process).
func (c *exceptionCollector) CountWith(count func() []ExceptionCount) {
	c.count.Store(&count)
}

// Describe implements prometheus.Collector.
func (c *exceptionCollector) Describe(ch chan<- *prometheus.Desc) { ch <- policyExceptionsDesc }

// Collect implements prometheus.Collector: nothing until CountWith was called.
func (c *exceptionCollector) Collect(ch chan<- prometheus.Metric) {
	count := c.count.Load()
	if count == nil {
		return
	}
	for _, n := range (*count)() {
		ch <- prometheus.MustNewConstMetric(policyExceptionsDesc, prometheus.GaugeValue, float64(n.Count), n.Rule, n.State)
	}
}
