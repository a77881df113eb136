package eval

import (
	"k8s.io/utils/clock"

	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/manifests"
)

// Options are what eval judges documents with besides the pipeline's
// config and rules.
type Options struct {
	// Context holds the Tenants and PolicyExceptions of files given only for
	// context (`tenantguard eval --tenants`, `--exceptions`). Those among the
	// documents come first, and the first of a name counts, as in the
	// webhook's cache.
	Context manifests.Context
	// Clock is the time PolicyExceptions are judged at: the wall clock when
	// nil; a fixed one (`--now`) says what a run would report then, such as
	// once an exception has expired.
	Clock clock.PassiveClock
}

// WithContext returns a copy of p that finds Tenants and PolicyExceptions
// among the readable documents of in, then in opts.Context, the way the
// webhook finds them among the cluster's objects, and judges the exceptions
// at opts.Clock. Every document is judged as the webhook judges its
// creation: a PolicyException both waives findings on the others and is
// judged by its own rules.
func WithContext(p pipeline.Pipeline, in *manifests.Inputs, opts Options) *pipeline.Pipeline {
	c := in.ReadableContext()
	p.Tenants = tenantlookup.NewIndex(append(c.Tenants, opts.Context.Tenants...), p.Config)
	p.Exceptions = exceptionlookup.NewIndex(append(c.Exceptions, opts.Context.Exceptions...))
	p.Clock = opts.Clock
	return &p
}
