package handler

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/metrics"
)

// Limits bound the work the webhook takes on, so that a burst cannot make it
// answer after kube-apiserver gave up waiting.
type Limits struct {
	// Deadline is the longest a review may take; it must be shorter than the
	// webhook configuration's timeoutSeconds. Defaults to 8 seconds.
	Deadline time.Duration
	// MaxInFlight is how many reviews run at once; more wait for a slot until
	// their deadline. Defaults to 64.
	MaxInFlight int
}

// DefaultLimits are the limits used where Limits leaves a field zero.
func DefaultLimits() Limits {
	return Limits{Deadline: 8 * time.Second, MaxInFlight: 64}
}

// Guarded wraps a handler with the deadline, the concurrency bound and the
// review metrics.
func Guarded(webhook string, h admission.Handler, limits Limits) admission.Handler {
	defaults := DefaultLimits()
	limits.Deadline = cmp.Or(limits.Deadline, defaults.Deadline)
	limits.MaxInFlight = cmp.Or(limits.MaxInFlight, defaults.MaxInFlight)
	slots := make(chan struct{}, limits.MaxInFlight)
	return admission.HandlerFunc(func(ctx context.Context, req admission.Request) admission.Response {
		start := time.Now()
		// The request's context ends when the server starts shutting down; a
		// review already running finishes within its own deadline instead, so
		// that a stopping replica drains rather than failing what it accepted.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), limits.Deadline)
		defer cancel()
		resp := run(ctx, h, req, slots)
		metrics.ReviewDuration.WithLabelValues(webhook).Observe(time.Since(start).Seconds())
		metrics.CountReview(webhook, req.Kind.Kind, string(req.Operation), resp)
		return resp
	})
}

func run(ctx context.Context, h admission.Handler, req admission.Request, slots chan struct{}) admission.Response {
	select {
	case slots <- struct{}{}:
		defer func() { <-slots }()
		return h.Handle(ctx, req)
	case <-ctx.Done():
		return admission.Errored(http.StatusServiceUnavailable,
			fmt.Errorf("tenantguard is at its limit of reviews in flight: %w", ctx.Err()))
	}
}
