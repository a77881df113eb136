package audit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// metricName matches the names of tenantguard's and controller-runtime's
// series in a PromQL expression.
var metricName = regexp.MustCompile(`\b(?:tenantguard|controller_runtime|workqueue)_[a-z0-9_]+`)

// dashboardQueries reads every query of the chart's Grafana dashboard,
// variables included.
func dashboardQueries(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(env.Root, "charts", "tenantguard", "files", "dashboard.json"))
	require.NoError(t, err)
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
		Templating struct{ List []struct{ Query any } }
	}
	require.NoError(t, json.Unmarshal(data, &dash))
	var queries []string
	for _, p := range dash.Panels {
		require.NotEmpty(t, p.Targets, "panel %q queries something", p.Title)
		for _, target := range p.Targets {
			queries = append(queries, target.Expr)
		}
	}
	for _, v := range dash.Templating.List {
		if q, ok := v.Query.(string); ok {
			queries = append(queries, q)
		}
	}
	return queries
}

// registered reports whether the server's registry (controller-runtime's,
// which the metrics endpoint serves) holds a metric of that name: registering
// another collector of the same name with other help is refused when it does.
// Histogram series (_bucket, _sum, _count) count as their histogram's.
func registered(name string) bool {
	for _, n := range []string{name, strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")} {
		probe := prometheus.NewGauge(prometheus.GaugeOpts{Name: n, Help: "probe of the dashboard test"})
		if err := ctrlmetrics.Registry.Register(probe); err != nil {
			return true
		}
		ctrlmetrics.Registry.Unregister(probe)
	}
	return false
}

// TestEveryMetricTheDashboardQueriesIsExported holds the dashboard to the
// metrics of a server running the webhooks, the supervisor and the audit.
func TestEveryMetricTheDashboardQueriesIsExported(t *testing.T) {
	var names []string
	for _, q := range dashboardQueries(t) {
		names = append(names, metricName.FindAllString(q, -1)...)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	require.NotEmpty(t, names)
	for _, want := range []string{"tenantguard_audit_findings", "tenantguard_audit_namespace_findings", "tenantguard_violations_total", "tenantguard_supervisor_tenants"} {
		assert.Contains(t, names, want, "the dashboard shows %s", want)
	}
	for _, name := range names {
		assert.True(t, registered(name), "the dashboard queries %s, which the server does not export", name)
	}
	assert.False(t, registered("tenantguard_no_such_metric"), "the check can fail")
}
