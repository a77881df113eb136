package webhook

import (
	"net/http"
	"strings"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/webhook/handler"
	"github.com/tenantguard/tenantguard/webhook/request"
)

const (
	// MutatePath is where the mutating webhook is served; config/webhook points at it.
	MutatePath = "/mutate"
	// ValidatePath is where the validating webhook is served; config/webhook points at it.
	ValidatePath = "/validate"
)

// Options are what both webhooks share.
type Options struct {
	// Tenants finds an Application's Tenant: the manager's cache when serving.
	Tenants tenantlookup.Lookup
	// Exceptions finds the PolicyExceptions that may waive a finding: the
	// manager's cache when serving. Without it, nothing is waived.
	Exceptions exceptionlookup.Lookup
	// Clock is the time the validating webhook judges exceptions at; the
	// wall clock when nil.
	Clock clock.PassiveClock
	// State is the snapshot of cluster config and rule set being served.
	State *live.Current
	// Limits bound the reviews in flight and how long each may take.
	Limits handler.Limits
	// Budget bounds the bytes of the reviews being judged at once, across
	// both webhooks; Receiving those of request bodies still arriving.
	Budget, Receiving *request.Budget
	// Large bounds how many large reviews are judged at once, across both
	// webhooks (request.Handler.Large); nil for no bound.
	Large *request.Budget
}

// Handlers are the two webhooks, by the path each is served on.
func Handlers(opts Options) map[string]http.Handler {
	return map[string]http.Handler{
		MutatePath: Chain(MutatePath, &handler.Mutator{Tenants: opts.Tenants, State: opts.State}, opts),
		ValidatePath: Chain(ValidatePath, &handler.Validator{
			Tenants: opts.Tenants, Exceptions: opts.Exceptions, Clock: opts.Clock, State: opts.State,
		}, opts),
	}
}

// Chain is the whole path of a review through one webhook, written here
// once, outermost first:
//
//	request.Handler     HTTP: content type, body size and nesting, the byte budgets
//	admission.Webhook   the AdmissionReview's request read, panics recovered into a 500
//	handler.Guarded     the deadline, the bound on reviews in flight, the review metrics
//	h                   decode.Request, then pipeline.Mutate or Validate, then respond
func Chain(path string, h admission.Handler, opts Options) http.Handler {
	name := strings.TrimPrefix(path, "/")
	limits := func() clusterconfig.Limits { return opts.State.Get().Config.Limits }
	guarded := handler.Guarded(name, h, opts.Limits)
	return &request.Handler{
		Webhook: name, Limits: limits, Budget: opts.Budget, Receiving: opts.Receiving, Large: opts.Large, Wait: opts.Limits.Deadline,
		Review: &admission.Webhook{Handler: guarded, LogConstructor: reviewLogger},
	}
}

// reviewLogger gives each review the webhook's logger as it is. tenantguard's
// own log lines name the review's UID, object and user; controller-runtime's
// default adds those to a new logger for every review, which costs more than
// reading most reviews.
func reviewLogger(base logr.Logger, _ *admission.Request) logr.Logger { return base }
