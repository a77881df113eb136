package request_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/webhook/request"
)

// allowAll stands in for the pipeline: these tests are about what reaches it.
var allowAll = admission.HandlerFunc(func(context.Context, admission.Request) admission.Response {
	return admission.Allowed("")
})

func front(budget *request.Budget) *request.Handler {
	return &request.Handler{
		Webhook: "validate", Limits: clusterconfig.DefaultLimits, Budget: budget, Receiving: request.NewBudget(8 << 20),
		Wait: 50 * time.Millisecond, Review: &admission.Webhook{Handler: allowAll},
	}
}

// post sends body to the request stage and returns the AdmissionReview it wrote.
func post(t *testing.T, h http.Handler, body io.Reader, contentLength int64) admissionv1.AdmissionReview {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/validate", body)
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = contentLength
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out admissionv1.AdmissionReview
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
	require.NotNil(t, out.Response)
	require.NotNil(t, out.Response.Result)
	if out.Response.UID == "" {
		assert.EqualValues(t, out.Response.Result.Code, rec.Code, "an answer without a UID carries its code as the HTTP status")
	} else {
		assert.Equal(t, http.StatusOK, rec.Code, "an answer to a review is a 200 carrying the verdict")
	}
	return out
}

func send(t *testing.T, h http.Handler, body string) admissionv1.AdmissionReview {
	return post(t, h, strings.NewReader(body), int64(len(body)))
}

func review(apiVersion string) string {
	return `{"apiVersion":"` + apiVersion + `","kind":"AdmissionReview","request":{"uid":"u-1",` +
		`"kind":{"group":"argoproj.io","version":"v1alpha1","kind":"Application"},"operation":"CREATE",` +
		`"object":{"spec":{"note":"a string with { and [ and \" inside"}}}}`
}

func TestAValidReviewReachesThePipelineAndIsAnsweredAsV1(t *testing.T) {
	out := send(t, front(request.NewBudget(1<<20)), review("admission.k8s.io/v1"))

	assert.True(t, out.Response.Allowed)
	assert.EqualValues(t, "u-1", out.Response.UID)
	assert.Equal(t, "admission.k8s.io/v1", out.APIVersion)
	assert.Equal(t, "AdmissionReview", out.Kind)
}

func TestBodiesThatAreNotV1JSONReviewsAreRefusedBeforeDecoding(t *testing.T) {
	aliases := "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	tests := map[string]struct{ body, want string }{
		"YAML with aliases sent as JSON":   {aliases, "must be a JSON AdmissionReview object, starting with '{'"},
		"a JSON list":                      {`[` + review("admission.k8s.io/v1") + `]`, "starting with '{'"},
		"a v1beta1 review":                 {review("admission.k8s.io/v1beta1"), "apiVersion: Invalid value"},
		"a review of another kind":         {strings.Replace(review("admission.k8s.io/v1"), `"AdmissionReview"`, `"Scale"`, 1), "admission.k8s.io/v1 AdmissionReviews only"},
		"a review without a request":       {`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`, "request: Required value"},
		"truncated JSON":                   {`{"apiVersion":"admission.k8s.io/v1",`, "must be a JSON AdmissionReview"},
		"objects nested past the limit":    {`{"a":` + strings.Repeat(`{"a":`, 100) + `1` + strings.Repeat(`}`, 101), "deeper than 100 levels (limits.maxDepth)"},
		"lists nested past the limit":      {`{"a":` + strings.Repeat(`[`, 100) + strings.Repeat(`]`, 100) + `}`, "(limits.maxDepth)"},
		"a request that is not an object":  {`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":"x"}`, "must be a JSON AdmissionReview"},
		"leading whitespace then YAML map": {"  \n" + aliases, "starting with '{'"},
		"more values than the limit":       {`{"request":{"uid":"u","object":[` + strings.Repeat("{},", 500000) + `{}]}}`, "more than 500000 values and keys (limits.maxNodes)"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			out := send(t, front(request.NewBudget(1<<20)), tt.body)

			assert.False(t, out.Response.Allowed)
			assert.EqualValues(t, http.StatusBadRequest, out.Response.Result.Code)
			assert.Contains(t, out.Response.Result.Message, tt.want)
			assert.Equal(t, "admission.k8s.io/v1", out.APIVersion)
		})
	}
}

func TestNestingUpToTheLimitIsRead(t *testing.T) {
	// The review is depth 1, so 99 more levels reach exactly 100.
	body := `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","x":` +
		strings.Repeat(`[`, 98) + strings.Repeat(`]`, 98) + `}}`

	out := send(t, front(request.NewBudget(1<<20)), body)

	assert.True(t, out.Response.Allowed, out.Response.Result.Message)
}

// unread fails the test if the body is read: a refusal by declared size must not read it.
type unread struct{ t *testing.T }

func (u unread) Read([]byte) (int, error) {
	u.t.Error("the body was read")
	return 0, io.EOF
}

func TestABodyDeclaredTooLargeIsRefusedUnread(t *testing.T) {
	out := post(t, front(request.NewBudget(1<<20)), unread{t}, 4<<20+1)

	assert.EqualValues(t, http.StatusRequestEntityTooLarge, out.Response.Result.Code)
	assert.Contains(t, out.Response.Result.Message, "at most 4194304 bytes (limits.maxReviewBytes)")
}

func TestABodyOfUnknownLengthIsCutAtTheLimit(t *testing.T) {
	body := `{"a":"` + strings.Repeat("x", 4<<20) + `"}`
	h := front(request.NewBudget(8 << 20))
	h.Wait = time.Minute // reading 4 MiB may take a while on a busy machine; only the limit is asserted

	out := post(t, h, strings.NewReader(body), -1)

	assert.EqualValues(t, http.StatusRequestEntityTooLarge, out.Response.Result.Code)
	assert.Contains(t, out.Response.Result.Message, "(limits.maxReviewBytes)")
}

func TestAReviewWaitsForBytesThenIsRefusedAsSaturated(t *testing.T) {
	budget := request.NewBudget(1 << 20)
	release, err := budget.Acquire(t.Context(), 1<<20)
	require.NoError(t, err)
	h := front(budget)

	out := send(t, h, review("admission.k8s.io/v1"))

	assert.EqualValues(t, http.StatusServiceUnavailable, out.Response.Result.Code)
	assert.Contains(t, out.Response.Result.Message, "limit of memory for reviews in flight")
	release()
	assert.True(t, send(t, h, review("admission.k8s.io/v1")).Response.Allowed, "answered once the bytes are back")
}

func TestSmallReviewsPassWhileALargeOneHoldsPartOfTheBudget(t *testing.T) {
	budget := request.NewBudget(1 << 20)
	release, err := budget.Acquire(t.Context(), 900<<10)
	require.NoError(t, err)
	defer release()

	out := send(t, front(budget), review("admission.k8s.io/v1"))

	assert.True(t, out.Response.Allowed)
}

// stalled is a body that sends its start, then nothing until released.
type stalled struct {
	start   io.Reader
	started chan<- struct{}
	release <-chan struct{}
}

func (s *stalled) Read(p []byte) (int, error) {
	if n, _ := s.start.Read(p); n > 0 {
		return n, nil
	}
	if s.started != nil {
		s.started <- struct{}{}
		s.started = nil
	}
	<-s.release
	return 0, io.ErrUnexpectedEOF
}

// stallBodies starts n requests that declare 1 MiB, send a few bytes and stop,
// and returns once each is being received.
func stallBodies(t *testing.T, h http.Handler, n int) {
	release := make(chan struct{})
	started := make(chan struct{})
	done := make(chan struct{}, n)
	for range n {
		body := &stalled{start: strings.NewReader(`{"a":"`), started: started, release: release}
		req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/validate", body)
		req.Header.Set("Content-Type", "application/json")
		req.ContentLength = 1 << 20
		go func() {
			h.ServeHTTP(httptest.NewRecorder(), req)
			done <- struct{}{}
		}()
		<-started
	}
	t.Cleanup(func() {
		close(release)
		for range n {
			<-done
		}
	})
}

func TestStalledBodiesHoldOnlyWhatTheySent(t *testing.T) {
	h := front(request.NewBudget(1 << 20))
	h.Receiving = request.NewBudget(256 << 10)
	stallBodies(t, h, 4) // 4 MiB declared, a chunk each held

	out := send(t, h, review("admission.k8s.io/v1"))

	assert.True(t, out.Response.Allowed, "a small review is judged while large bodies stall: %s", out.Response.Result.Message)
}

func TestAReviewIsRefusedWhenBodiesBeingReceivedFillTheirBudget(t *testing.T) {
	h := front(request.NewBudget(1 << 20))
	h.Receiving = request.NewBudget(256 << 10)
	stallBodies(t, h, 8) // 8 chunks of 32 KiB: all of it

	out := send(t, h, review("admission.k8s.io/v1"))

	assert.EqualValues(t, http.StatusServiceUnavailable, out.Response.Result.Code)
	assert.Contains(t, out.Response.Result.Message, "limit of request bytes being received (262144 bytes)")
}

func TestARefusalShowsAClippedValue(t *testing.T) {
	huge := strings.Repeat("v", 1<<20)
	body := strings.Replace(review("admission.k8s.io/v1"), `"admission.k8s.io/v1"`, `"admission.k8s.io/`+huge+`"`, 1)

	out := send(t, front(request.NewBudget(8<<20)), body)

	assert.EqualValues(t, http.StatusBadRequest, out.Response.Result.Code)
	assert.Less(t, len(out.Response.Result.Message), 300)
}

func TestARefusalBeforeDecodingCarriesTheReviewsUID(t *testing.T) {
	many := `[` + strings.Repeat("{},", 500000) + `{}]`
	tests := map[string]struct{ body, uid string }{
		"uid first, values after it":      {`{"apiVersion":"admission.k8s.io/v1","request":{"uid":"u-first","object":` + many + `}}`, "u-first"},
		"uid after the values":            {`{"request":{"object":` + many + `,"uid":"u-last"}}`, "u-last"},
		"names in another case":           {`{"REQUEST":{"Uid":"u-case","object":` + many + `}}`, "u-case"},
		"request after other members":     {`{"kind":{"a":[1,{"uid":"no"}]},"request":{"uid":"u-2","o":` + many + `}}`, "u-2"},
		"a uid that is not a string":      {`{"request":{"uid":7,"object":` + many + `}}`, ""},
		"no request":                      {`{"uid":"no","object":` + many + `}`, ""},
		"broken JSON before the uid":      {`{"request":{"object":[}` + many + `,"uid":"no"}}`, ""},
		"nesting past the limit, uid set": {`{"request":{"uid":"u-deep","x":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}}`, "u-deep"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			out := send(t, front(request.NewBudget(1<<20)), tt.body)

			assert.EqualValues(t, http.StatusBadRequest, out.Response.Result.Code, out.Response.Result.Message)
			assert.EqualValues(t, tt.uid, out.Response.UID, "kube-apiserver shows the reason only in an answer carrying its UID")
		})
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestABodyPastMaxNodesIsRefusedBeforeItIsReadWhole(t *testing.T) {
	body := `{"request":{"uid":"u-dense","object":[` + strings.Repeat("{},", 1300000) + `{}]}}`
	counted := &countingReader{r: strings.NewReader(body)}

	out := post(t, front(request.NewBudget(1<<20)), counted, int64(len(body)))

	assert.EqualValues(t, http.StatusBadRequest, out.Response.Result.Code)
	assert.Contains(t, out.Response.Result.Message, "(limits.maxNodes)")
	assert.EqualValues(t, "u-dense", out.Response.UID)
	assert.Less(t, counted.n, len(body)/2, "the bytes past the limit are not read: 500,000 values are 1.5 MB of the 3.9 MB")
}
