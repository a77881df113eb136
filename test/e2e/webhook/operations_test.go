package e2e

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/cmd/tenantguard/app"
)

// What an operator watches: /readyz once the webhook listens and the Tenant
// cache has synced, and the metrics of the reviews it answered.
func TestReadinessAndMetrics(t *testing.T) {
	probe := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	metrics := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	addr, _, _ := startServer(t, app.Options{MetricsAddr: metrics, ProbeAddr: probe})

	require.Eventually(t, func() bool { return get(t, "http://"+probe+"/readyz") != "" }, 10*time.Second, 50*time.Millisecond)
	assert.Equal(t, "ok", get(t, "http://"+probe+"/healthz"))

	client := &http.Client{Transport: insecureTransport(1)}
	_, err := postReview(client, addr, "metrics")
	require.NoError(t, err)
	body := get(t, "http://"+metrics+"/metrics")
	// The registry is the process's, shared with the other test server: counts are at least one.
	for _, series := range []string{
		`tenantguard_reviews_total\{decision="allowed",kind="Application",operation="CREATE",webhook="validate"\} [1-9]`,
		`tenantguard_review_duration_seconds_count\{webhook="validate"\} [1-9]`,
		`tenantguard_policy_evaluation_duration_seconds_count [1-9]`,
		`tenantguard_reload_failures_total 0`,
		`tenantguard_policy_revision_info\{revision="[0-9a-f]{12}"\} 1`,
	} {
		assert.True(t, regexp.MustCompile(series).MatchString(body), "the metrics lack %s", series)
	}
}

// get returns the body of a 200 answer, or "" for anything else.
func get(t *testing.T, url string) string {
	resp, err := http.Get(url) //nolint:gosec,noctx // loopback test server
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return ""
	}
	return string(body)
}
