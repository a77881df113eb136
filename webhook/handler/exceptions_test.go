package handler_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/metrics"
	"github.com/tenantguard/tenantguard/webhook/handler"
)

// pinShop waives app-pinned-revision for the Application argocd/shop until noon.
const pinShop = `{"apiVersion":"tenantguard.io/v1alpha1","kind":"PolicyException",
 "metadata":{"name":"inc-4211"},
 "spec":{"rules":["app-pinned-revision"],"match":{"kind":"Application","namespace":"argocd","names":["shop"]},
  "reason":"INC-4211","requestedBy":"alice","expires":"2026-12-06T12:00:00Z"}}`

// waiving is a validator that knows pinShop and judges at the clock's time.
func waiving(t *testing.T, clock *clocktesting.FakePassiveClock) *handler.Validator {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(pinShop), &doc))
	return &handler.Validator{State: state(t), Exceptions: exceptionlookup.NewIndex([]map[string]any{doc}), Clock: clock}
}

func TestAWaivedFindingIsAdmittedWithAWarningUntilTheExceptionExpires(t *testing.T) {
	clock := clocktesting.NewFakePassiveClock(time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC))
	v := waiving(t, clock)
	body := application(`{"project":"tenant-shop","destination":{"server":"https://kubernetes.default.svc","namespace":"tenant-shop"},` +
		`"source":{"repoURL":"https://git.example.com/platform/tenants.git","path":"staging/shop","targetRevision":"3f1c9a0"}}`)
	waivedCount := testutil.ToFloat64(metrics.Violations.WithLabelValues("app-pinned-revision", metrics.EnforcementWaived))

	resp := serve(t, v, "application/json", strings.NewReader(body))

	assert.True(t, resp.Allowed, resp.Result.Message)
	require.Len(t, resp.Warnings, 1)
	assert.True(t, strings.HasPrefix(resp.Warnings[0], "[app-pinned-revision] Application argocd/shop: spec.source.targetRevision"), resp.Warnings[0])
	assert.True(t, strings.HasSuffix(resp.Warnings[0], " (waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)"), resp.Warnings[0])
	assert.Equal(t, waivedCount+1, testutil.ToFloat64(metrics.Violations.WithLabelValues("app-pinned-revision", metrics.EnforcementWaived)),
		"the validator counts the finding as waived")

	clock.SetTime(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	resp = serve(t, v, "application/json", strings.NewReader(body))

	assert.False(t, resp.Allowed, "at its expiry the exception waives nothing")
	assert.EqualValues(t, http.StatusForbidden, resp.Result.Code)
	assert.Contains(t, resp.Result.Message, "[app-pinned-revision] Application argocd/shop")
	assert.Empty(t, resp.Warnings)
}
