package request

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/metrics"
)

// Handler serves one webhook path: it reads the AdmissionReview within the
// limits and budget, hands the request to controller-runtime's admission
// handling, and writes the answer back as an admission.k8s.io/v1 AdmissionReview.
type Handler struct {
	// Webhook names the webhook in metrics, such as validate.
	Webhook string
	// Review judges the request: controller-runtime's admission.Webhook around
	// tenantguard's handler, which completes the response and recovers panics.
	Review *admission.Webhook
	// Limits returns the limits being served; they follow the cluster config.
	Limits func() clusterconfig.Limits
	// Budget bounds the memory reviews being judged (decoded, defaulted,
	// evaluated) hold at once, across webhooks; each review is charged what its
	// shape costs (Shape.Cost), many times its size for a dense one.
	Budget *Budget
	// Receiving bounds the bytes of request bodies still arriving, across
	// webhooks, so that clients sending slowly hold only what they sent.
	Receiving *Budget
	// Large bounds how many large reviews (more than LargeNodes values or
	// LargeBytes bytes) are judged at once, across webhooks, one unit each;
	// nil for no bound.
	Large *Budget
	// Wait is the longest a review waits for its bytes, received and judged.
	// Defaults to 8 seconds.
	Wait time.Duration
}

var _ http.Handler = &Handler{}

// ServeHTTP answers every request with an AdmissionReview, even when the
// request could not be read, so that kube-apiserver shows the reason.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	limits := h.Limits()
	body, release, resp := h.read(w, r, limits)
	if release != nil {
		defer release()
	}
	if resp != nil {
		metrics.CountReview(h.Webhook, "", "", *resp)
		write(r.Context(), w, *resp)
		return
	}
	req, err := decodeReview(body)
	if err != nil {
		refused := admission.Errored(http.StatusBadRequest, err)
		// kube-apiserver shows the reason only in an answer to its request.
		refused.UID = req.UID
		metrics.CountReview(h.Webhook, "", "", refused)
		write(r.Context(), w, refused)
		return
	}
	write(r.Context(), w, h.Review.Handle(r.Context(), req))
}

// read receives the body, measuring its shape as it arrives, then takes what
// judging it costs from the budget of reviews being judged. It returns a response
// instead when the request is refused; release is set whenever judging bytes
// were taken.
func (h *Handler) read(w http.ResponseWriter, r *http.Request, limits clusterconfig.Limits) ([]byte, func(), *admission.Response) {
	if err := checkHeader(r, limits.MaxReviewBytes); err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.wait())
	defer cancel()
	body, shape, received, err := h.receive(ctx, w, r, limits)
	if err != nil {
		return nil, nil, bodyRefusal(err, limits.MaxReviewBytes)
	}
	// The received bytes are held until the judging bytes are: the body stays
	// accounted for while it waits.
	defer received()
	releaseLarge, err := h.takeLarge(ctx, shape)
	if err != nil {
		return nil, nil, refusal(http.StatusServiceUnavailable, err)
	}
	release, err := h.Budget.Acquire(ctx, shape.Cost())
	if err != nil {
		releaseLarge()
		return nil, nil, refusal(http.StatusServiceUnavailable,
			fmt.Errorf("tenantguard is at its limit of memory for reviews in flight (%d bytes): %w", h.Budget.Size(), err))
	}
	return body, func() { release(); releaseLarge() }, nil
}

// LargeNodes is the most values (objects, lists, keys, strings, scalars) a
// review may hold and still be judged beside any number of others. An
// Application as people and the supervisor write it holds a few hundred;
// one at the edge of limits.maxNodes costs the rules about a second of CPU,
// and a handful of those at once would take every CPU from the ordinary
// reviews queued behind them.
const LargeNodes = 20000

// LargeBytes is the longest review body judged beside any number of others.
// An Application's review, oldObject and managed fields included, is a few
// KiB; the bytes of a longer one are mostly Helm values, whose text the
// decoder parses as YAML at tens of nanoseconds a byte, so that a flood of
// them would otherwise hold every CPU as dense ones would.
const LargeBytes = 64 << 10

// takeLarge waits, for a review of more than LargeNodes values or LargeBytes
// bytes, for one of the Large budget's units: large reviews then take turns
// on some of the CPUs, and ordinary ones never wait for them. The returned
// release is to be called once, also for a review that took nothing.
func (h *Handler) takeLarge(ctx context.Context, shape Shape) (func(), error) {
	if h.Large == nil || (shape.Nodes() <= LargeNodes && shape.Bytes <= LargeBytes) {
		return func() {}, nil
	}
	release, err := h.Large.Acquire(ctx, 1)
	if err != nil {
		return nil, fmt.Errorf("tenantguard is judging as many reviews of over %d values or %d bytes as it judges at once (%d): %w",
			LargeNodes, LargeBytes, h.Large.Size(), err)
	}
	return release, nil
}

func (h *Handler) wait() time.Duration {
	if h.Wait == 0 {
		return 8 * time.Second
	}
	return h.Wait
}

// checkHeader refuses, before the body is read, a request that is not a POST
// of JSON or that declares more bytes than a review may have.
func checkHeader(r *http.Request, maxBytes int64) *admission.Response {
	if r.Method != http.MethodPost {
		return refusal(http.StatusBadRequest, fmt.Errorf("method: %s, want POST", r.Method))
	}
	if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType != "application/json" {
		return refusal(http.StatusBadRequest, fmt.Errorf("contentType=%s, expected application/json", r.Header.Get("Content-Type")))
	}
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return refusal(http.StatusBadRequest, errors.New("request body is empty"))
	}
	if r.ContentLength > maxBytes {
		return refusal(http.StatusRequestEntityTooLarge, tooLargeError(maxBytes))
	}
	return nil
}

func tooLargeError(maxBytes int64) error {
	return fmt.Errorf("request entity is too large: a review may have at most %d bytes (limits.maxReviewBytes)", maxBytes)
}

// decodeReview reads a JSON admission.k8s.io/v1 AdmissionReview, once its
// shape is known to be safe to decode (MeasureShape). On an error, the
// request carries the review's UID where it could be read.
func decodeReview(body []byte) (admission.Request, error) {
	var review admissionv1.AdmissionReview
	if err := jsonv2.Unmarshal(body, &review, reviewJSON); err != nil {
		return admission.Request{}, fmt.Errorf("request body: must be a JSON AdmissionReview: %w", err)
	}
	gvk := review.GroupVersionKind()
	if want := admissionv1.SchemeGroupVersion.WithKind("AdmissionReview"); gvk != want {
		var req admission.Request
		if review.Request != nil {
			req.UID = review.Request.UID
		}
		return req, field.Invalid(field.NewPath("apiVersion"), model.Clip(review.APIVersion+", kind "+review.Kind),
			"tenantguard reads admission.k8s.io/v1 AdmissionReviews only")
	}
	if review.Request == nil {
		return admission.Request{}, field.Required(field.NewPath("request"), "an AdmissionReview to answer carries a request")
	}
	return admission.Request{AdmissionRequest: *review.Request}, nil
}

// reviewJSON reads a review as encoding/json would (names in any case, the
// last of duplicate names, invalid UTF-8 as U+FFFD) with the JSON v2 decoder,
// which reads a review in about a third of the time.
var reviewJSON = jsonv2.JoinOptions(jsonv2.MatchCaseInsensitiveNames(true),
	jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// uidOf reads only request.uid from a body refused before decoding. It reads
// tokens, skipping every value it does not need without building it, and
// stops at the UID: kube-apiserver writes it first in the request, so a
// refusal of a body of millions of values costs a few tokens, and a body
// that places it last costs one pass over its bytes. "" when the body is not
// JSON or has no UID before its first syntax error.
func uidOf(body []byte) types.UID {
	dec := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if !enterMember(dec, "request") || !enterMember(dec, "uid") {
		return ""
	}
	tok, err := dec.ReadToken()
	if err != nil || tok.Kind() != '"' {
		return ""
	}
	return types.UID(tok.String())
}

// enterMember reads the object dec is at up to the value of its member name
// (in any case, as encoding/json matches names; the first where a name
// repeats), skipping the values before it; false when the object has no such
// member or is not an object.
func enterMember(dec *jsontext.Decoder, name string) bool {
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	for {
		tok, err := dec.ReadToken()
		if err != nil || tok.Kind() != '"' {
			return false // the object ended, or the body is not JSON
		}
		if strings.EqualFold(tok.String(), name) {
			return true
		}
		if dec.SkipValue() != nil {
			return false
		}
	}
}

func refusal(code int32, err error) *admission.Response {
	resp := admission.Errored(code, err)
	return &resp
}

// write sends the answer as an admission.k8s.io/v1 AdmissionReview, whatever
// the request claimed to be. A refusal of a request whose UID was never read
// (a body too large, not a review, or waiting for bytes) also carries its code
// as the HTTP status: kube-apiserver reads an answer without its UID as a
// broken webhook, but shows the body of a failed call.
func write(ctx context.Context, w http.ResponseWriter, resp admission.Response) {
	review := admissionv1.AdmissionReview{Response: &resp.AdmissionResponse}
	review.SetGroupVersionKind(admissionv1.SchemeGroupVersion.WithKind("AdmissionReview"))
	w.Header().Set("Content-Type", "application/json")
	if resp.UID == "" && resp.Result != nil && resp.Result.Code >= http.StatusBadRequest {
		w.WriteHeader(int(resp.Result.Code))
	}
	if err := json.NewEncoder(w).Encode(review); err != nil {
		log.FromContext(ctx).V(1).Info("writing the response failed", "error", err.Error())
	}
}
