package config

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Limits bound what one admission review may carry, so that no request can
// make the webhook spend memory or time out of proportion to what Kubernetes
// itself stores. A request over a limit is refused with a message naming it.
type Limits struct {
	// MaxReviewBytes is the largest AdmissionReview body read, in bytes. etcd
	// stores objects of at most 1.5 MiB and an UPDATE review carries the object
	// twice (object and oldObject), so the default is 4 MiB: two objects at
	// etcd's limit and the review around them, rounded up.
	MaxReviewBytes int64 `json:"maxReviewBytes"`
	// MaxDepth is the deepest nesting of objects and lists in a review, the
	// review itself counted: an Application's spec.source.helm.valuesObject
	// sits at depth 7. Defaults to 100.
	MaxDepth int `json:"maxDepth"`
	// MaxNodes is the most values (objects, lists, strings, numbers, booleans,
	// nulls) and object keys a review may hold, counted over its bytes before
	// it is decoded: decoding costs memory by the value, a few hundred bytes
	// for an empty object of 3 bytes. Two objects at etcd's 1.5 MiB limit
	// written as densely as Helm values usually are (7 bytes a value) hold
	// about 450,000, so the default is 500,000.
	MaxNodes int `json:"maxNodes"`
	// MaxSources is the most sources an Application may list in spec.sources.
	// Defaults to 64.
	MaxSources int `json:"maxSources"`
	// MaxFieldBytes is the longest value, in bytes, of a field the pipeline
	// reads as a string: a source's repoURL, path, chart, targetRevision and
	// ref. Defaults to 4096, the longest path Linux accepts.
	MaxFieldBytes int `json:"maxFieldBytes"`
	// MaxLabels is the most labels an object may carry; each label must also be
	// one Kubernetes accepts. Defaults to 256.
	MaxLabels int `json:"maxLabels"`
	// MaxFindings is the most findings a response lists; the rest are counted
	// in one closing line. Defaults to 20.
	MaxFindings int `json:"maxFindings"`
}

// DefaultLimits are the limits used when the cluster config sets none.
func DefaultLimits() Limits {
	return Limits{
		MaxReviewBytes: 4 << 20,
		MaxDepth:       100,
		MaxNodes:       500000,
		MaxSources:     64,
		MaxFieldBytes:  4096,
		MaxLabels:      256,
		MaxFindings:    20,
	}
}

// minReviewBytes keeps MaxReviewBytes above what any review of a small object
// needs, so that a typo cannot refuse every request.
const minReviewBytes = 64 << 10

func (l Limits) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if l.MaxReviewBytes < minReviewBytes {
		errs = append(errs, field.Invalid(p.Child("maxReviewBytes"), l.MaxReviewBytes,
			fmt.Sprintf("must be at least %d bytes", minReviewBytes)))
	}
	for _, bound := range []struct {
		name         string
		value, least int
	}{
		{"maxDepth", l.MaxDepth, 8},
		{"maxNodes", l.MaxNodes, 10000},
		{"maxSources", l.MaxSources, 1},
		{"maxFieldBytes", l.MaxFieldBytes, 64},
		{"maxLabels", l.MaxLabels, 8},
		{"maxFindings", l.MaxFindings, 1},
	} {
		if bound.value < bound.least {
			errs = append(errs, field.Invalid(p.Child(bound.name), bound.value, fmt.Sprintf("must be at least %d", bound.least)))
		}
	}
	return errs
}
