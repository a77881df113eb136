package request

import (
	"context"

	"golang.org/x/sync/semaphore"
)

// Budget bounds the bytes of the reviews being read and judged at once. A
// review costs several times its size in memory while it is decoded and
// evaluated, so bounding the sum of their sizes bounds the webhook's memory,
// whatever mix of small and large reviews arrives.
type Budget struct {
	sem  *semaphore.Weighted
	size int64
}

// NewBudget returns a budget of size bytes.
func NewBudget(size int64) *Budget {
	return &Budget{sem: semaphore.NewWeighted(size), size: size}
}

// Size is the budget's total in bytes.
func (b *Budget) Size() int64 { return b.size }

// Acquire waits until n bytes are free or ctx ends. A review larger than the
// whole budget takes all of it, so that it waits for the others rather than
// forever. The returned release gives the bytes back.
func (b *Budget) Acquire(ctx context.Context, n int64) (release func(), err error) {
	n = min(max(n, 1), b.size)
	if err := b.sem.Acquire(ctx, n); err != nil {
		return nil, err
	}
	return func() { b.sem.Release(n) }, nil
}
