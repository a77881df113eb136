package clusterconfig

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
	// MaxValuesBytes is the most bytes of Helm values text (helm.values) all
	// sources of an Application may carry together: the rules parse that text
	// as YAML, and parsing holds far more than the text. Defaults to 256 KiB;
	// larger values belong in valueFiles or valuesObject.
	MaxValuesBytes int `json:"maxValuesBytes"`
	// MaxValuesNodes is the most YAML nodes the Helm values text of all sources
	// of an Application may hold together, every alias counted as the nodes it
	// expands to, so that a few bytes of anchors and aliases cannot make the
	// rules walk millions of nodes. Defaults to 20,000, about a 5,000-line values file.
	MaxValuesNodes int `json:"maxValuesNodes"`
	// MaxValuesDepth is the deepest nesting of Helm values text, aliases
	// expanded: the rules walk values, and every walk step carries its path.
	// Defaults to 100, as maxDepth does for the review.
	MaxValuesDepth int `json:"maxValuesDepth"`
	// MaxPathEntries is the most entries each source may list in
	// helm.valueFiles, helm.fileParameters and kustomize.components: each is a
	// repository path the rules resolve. Defaults to 64. Each entry's path is
	// also held to maxFieldBytes.
	MaxPathEntries int `json:"maxPathEntries"`
	// MaxPathBytes is the most bytes the repository paths of an Application
	// may hold together: its sources' paths, value files, file parameters and
	// components, and the hydrator's paths. The rules resolve each path
	// segment by segment ("a/../b"), at tens of microseconds a segment in the
	// worst case, so this bounds their cost. Defaults to 16 KiB, some 400
	// paths of 40 bytes.
	MaxPathBytes int `json:"maxPathBytes"`
	// MaxEvaluationTime is the longest the rules may take on one object. A
	// review that takes longer is stopped and refused unjudged (500, which
	// failurePolicy: Fail turns into a refused write), so that no review holds
	// a slot past it. Defaults to 2s; the review deadline (8s) bounds the rest.
	MaxEvaluationTime metav1.Duration `json:"maxEvaluationTime"`
	// MaxGeneratedApplications is the most Applications one ApplicationSet's
	// list, matrix and merge generators may make, each rendered and judged at
	// admission. Defaults to 500.
	MaxGeneratedApplications int `json:"maxGeneratedApplications"`
	// MaxRenderedBytes is the most bytes of strings rendering one
	// ApplicationSet may produce, for all of its Applications together,
	// templatePatch included: it bounds what a small request can make the
	// webhook hold. Defaults to 4194304 (4 MiB), the review's own limit.
	MaxRenderedBytes int `json:"maxRenderedBytes"`
}

// DefaultLimits are the limits used when the cluster config sets none.
func DefaultLimits() Limits {
	return Limits{
		MaxReviewBytes:    4 << 20,
		MaxDepth:          100,
		MaxNodes:          500000,
		MaxSources:        64,
		MaxFieldBytes:     4096,
		MaxLabels:         256,
		MaxFindings:       20,
		MaxValuesBytes:    256 << 10,
		MaxValuesNodes:    20000,
		MaxValuesDepth:    100,
		MaxPathEntries:    64,
		MaxPathBytes:      16 << 10,
		MaxEvaluationTime: metav1.Duration{Duration: 2 * time.Second},

		MaxGeneratedApplications: 500,
		MaxRenderedBytes:         4 << 20,
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
		{"maxValuesBytes", l.MaxValuesBytes, 1024},
		{"maxValuesNodes", l.MaxValuesNodes, 64},
		{"maxValuesDepth", l.MaxValuesDepth, 8},
		{"maxPathEntries", l.MaxPathEntries, 4},
		{"maxPathBytes", l.MaxPathBytes, 1024},
		{"maxGeneratedApplications", l.MaxGeneratedApplications, 1},
		{"maxRenderedBytes", l.MaxRenderedBytes, 1024},
	} {
		if bound.value < bound.least {
			errs = append(errs, field.Invalid(p.Child(bound.name), bound.value, fmt.Sprintf("must be at least %d", bound.least)))
		}
	}
	if l.MaxEvaluationTime.Duration < minEvaluationTime {
		errs = append(errs, field.Invalid(p.Child("maxEvaluationTime"), l.MaxEvaluationTime.String(),
			fmt.Sprintf("must be at least %s", minEvaluationTime)))
	}
	return errs
}

// minEvaluationTime keeps MaxEvaluationTime above what any ordinary review
// takes on a busy node (about a millisecond on an idle one).
const minEvaluationTime = 100 * time.Millisecond
