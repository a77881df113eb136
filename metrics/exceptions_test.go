package metrics_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/metrics"
)

func TestTheExceptionGaugeShowsWhatItsCounterCountsAtTheScrape(t *testing.T) {
	assert.Zero(t, testutil.CollectAndCount(metrics.PolicyExceptions), "nothing before a counter is given")

	calls := 0
	metrics.PolicyExceptions.CountWith(func() []metrics.ExceptionCount {
		calls++
		return []metrics.ExceptionCount{
			{Rule: "app-pinned-revision", State: metrics.ExceptionActive, Count: 2},
			{Rule: "app-pinned-revision", State: metrics.ExceptionExpired, Count: 0},
		}
	})

	err := testutil.CollectAndCompare(metrics.PolicyExceptions, strings.NewReader(`
# HELP tenantguard_policy_exceptions PolicyExceptions by the rule they waive and their state (active, expired); an exception of several rules counts once for each.
# TYPE tenantguard_policy_exceptions gauge
tenantguard_policy_exceptions{rule="app-pinned-revision",state="active"} 2
tenantguard_policy_exceptions{rule="app-pinned-revision",state="expired"} 0
`))
	require.NoError(t, err)
	assert.Equal(t, 1, calls, "counted once a scrape")
}
