package audit

import (
	"cmp"
	"time"

	"k8s.io/utils/clock"
)

// Options configure the audit. The zero value of each field takes the
// default written in its comment.
type Options struct {
	// Interval is the time between two audits, besides the one at start and
	// one after each reload. Defaults to 10 minutes.
	Interval time.Duration
	// MaxResults is the most results one report holds; its summary still
	// counts every finding. Defaults to 500, which keeps a report of long
	// messages well under etcd's 1.5 MiB limit on an object.
	MaxResults int
	// PageSize is how many Applications are listed from the API server, and
	// held, at once. Defaults to 500.
	PageSize int64
	// Workers is how many objects are judged at once. Defaults to 2.
	Workers int
	// NamespaceSeries is how many namespaces, those with the most findings,
	// get a series of their own in tenantguard_audit_namespace_findings; the
	// others are summed as "_other". Defaults to 20.
	NamespaceSeries int
	// Clock is the time PolicyExceptions are judged at, so that a finding
	// comes back in the audit once its exception expired. The wall clock
	// when nil; tests set a fake one.
	Clock clock.PassiveClock
}

// The defaults of Options.
const (
	DefaultInterval        = 10 * time.Minute
	DefaultMaxResults      = 500
	DefaultPageSize        = 500
	DefaultWorkers         = 2
	DefaultNamespaceSeries = 20
)

// DefaultOptions are the options `tenantguard serve --audit` starts from.
func DefaultOptions() Options {
	return Options{
		Interval: DefaultInterval, MaxResults: DefaultMaxResults, PageSize: DefaultPageSize,
		Workers: DefaultWorkers, NamespaceSeries: DefaultNamespaceSeries,
	}
}

// withDefaults fills the fields left zero (or negative) from DefaultOptions.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	positive := func(v, def int) int { return cmp.Or(max(v, 0), def) }
	o.Interval = cmp.Or(max(o.Interval, 0), d.Interval)
	o.MaxResults = positive(o.MaxResults, d.MaxResults)
	o.PageSize = cmp.Or(max(o.PageSize, 0), d.PageSize)
	o.Workers = positive(o.Workers, d.Workers)
	o.NamespaceSeries = positive(o.NamespaceSeries, d.NamespaceSeries)
	return o
}
