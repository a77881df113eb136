package request_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/webhook/request"
)

// largeReview is a review whose object holds more than request.LargeNodes values.
func largeReview() string {
	return `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-2",` +
		`"kind":{"group":"argoproj.io","version":"v1alpha1","kind":"Application"},"operation":"CREATE",` +
		`"object":{"spec":{"values":[` + strings.Repeat("1,", request.LargeNodes) + `1]}}}}`
}

// longReview is a review of few values but more than request.LargeBytes bytes.
func longReview() string {
	return `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-3",` +
		`"kind":{"group":"argoproj.io","version":"v1alpha1","kind":"Application"},"operation":"CREATE",` +
		`"object":{"spec":{"values":"` + strings.Repeat("x", request.LargeBytes) + `"}}}}`
}

func TestLargeReviewsTakeTurnsWhileOrdinaryOnesPass(t *testing.T) {
	h := front(request.NewBudget(64 << 20))
	h.Large = request.NewBudget(1)
	release, err := h.Large.Acquire(t.Context(), 1) // a large review being judged
	require.NoError(t, err)

	assert.True(t, send(t, h, review("admission.k8s.io/v1")).Response.Allowed, "an ordinary review does not wait for large ones")
	out := send(t, h, largeReview())
	assert.EqualValues(t, http.StatusServiceUnavailable, out.Response.Result.Code, "a second large review waits, then is refused")
	assert.Contains(t, out.Response.Result.Message, "reviews of over 20000 values or 65536 bytes")
	long := send(t, h, longReview())
	assert.EqualValues(t, http.StatusServiceUnavailable, long.Response.Result.Code, "a long review of few values waits too")

	release()
	assert.True(t, send(t, h, largeReview()).Response.Allowed, "its turn comes once the first is judged")
	assert.True(t, send(t, h, largeReview()).Response.Allowed, "and each large review gives its turn back")
	assert.True(t, send(t, h, longReview()).Response.Allowed, "long ones too")
}

// BenchmarkRefuseDense is what refusing the densest body limits.maxReviewBytes
// admits costs the request stage: 4 MiB of empty objects, refused at the chunk
// that passes limits.maxNodes (about 1.5 MB in).
func BenchmarkRefuseDense(b *testing.B) {
	body := `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-4",` +
		`"object":{"spec":{"values":[` + strings.Repeat("{},", 1390000) + `{}]}}}}`
	h := front(request.NewBudget(64 << 20))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequestWithContext(b.Context(), http.MethodPost, "/validate", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if !strings.Contains(rec.Body.String(), "(limits.maxNodes)") {
			b.Fatal(rec.Body.String())
		}
	}
}
