package handler_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/metrics"
	"github.com/tenantguard/tenantguard/webhook/handler"
)

func guardRequest() admission.Request {
	return admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		Kind: metav1.GroupVersionKind{Kind: "Application"}, Operation: admissionv1.Create,
	}}
}

func TestGuardCountsEachDecision(t *testing.T) {
	cases := map[string]admission.Response{
		"denied":    admission.Denied("[rule] no"),
		"warned":    admission.Allowed("").WithWarnings("[rule] careful"),
		"allowed":   admission.Allowed(""),
		"malformed": admission.Errored(http.StatusBadRequest, assert.AnError),
		"failed":    admission.Errored(http.StatusInternalServerError, assert.AnError),
	}
	for decision, resp := range cases {
		t.Run(decision, func(t *testing.T) {
			counter := metrics.Reviews.WithLabelValues("test", "Application", "CREATE", decision)
			before := testutil.ToFloat64(counter)
			h := handler.Guarded("test", admission.HandlerFunc(func(context.Context, admission.Request) admission.Response { return resp }), handler.Limits{})
			h.Handle(t.Context(), guardRequest())
			assert.Equal(t, before+1, testutil.ToFloat64(counter))
		})
	}
}

func TestGuardRefusesPastTheDeadlineWhenSaturated(t *testing.T) {
	release, entered := make(chan struct{}), make(chan struct{}, 1)
	busy := admission.HandlerFunc(func(context.Context, admission.Request) admission.Response {
		entered <- struct{}{}
		<-release
		return admission.Allowed("")
	})
	h := handler.Guarded("test", busy, handler.Limits{MaxInFlight: 1, Deadline: 50 * time.Millisecond})
	go h.Handle(t.Context(), guardRequest())
	<-entered // the only slot is taken

	resp := h.Handle(t.Context(), guardRequest())
	close(release)
	assert.False(t, resp.Allowed)
	assert.EqualValues(t, http.StatusServiceUnavailable, resp.Result.Code)
	assert.Contains(t, resp.Result.Message, "limit of reviews in flight")
}

func TestGuardCountsKindsAndOperationsFromClosedSets(t *testing.T) {
	seriesBefore := testutil.CollectAndCount(metrics.Reviews)
	h := handler.Guarded("closed", admission.HandlerFunc(func(context.Context, admission.Request) admission.Response {
		return admission.Allowed("")
	}), handler.Limits{})
	for i := range 50 {
		req := guardRequest()
		req.Kind.Kind = fmt.Sprintf("Kind%d-%s", i, strings.Repeat("x", 1000))
		req.Operation = admissionv1.Operation(fmt.Sprintf("OP%d", i))
		h.Handle(t.Context(), req)
	}

	counter := metrics.Reviews.WithLabelValues("closed", "other", "other", "allowed")
	assert.Equal(t, 50.0, testutil.ToFloat64(counter), "every unknown kind and operation counts as other")
	assert.Equal(t, seriesBefore+1, testutil.CollectAndCount(metrics.Reviews), "one series, not one per value sent")
}
