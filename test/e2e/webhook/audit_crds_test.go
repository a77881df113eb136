package e2e

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/cmd/tenantguard/app"
)

// This cluster has no OpenReports CRDs: serve with the audit says what to
// install rather than failing at its first write.
func TestServeWithTheAuditNamesTheMissingOpenReportsCRDs(t *testing.T) {
	_, err := app.New(t.Context(), env.Config, app.Options{Audit: true, MetricsAddr: "0", ProbeAddr: "0"})
	require.ErrorContains(t, err, "install the Report CRD (openreports.io/v1alpha1), or serve without --audit")
}
