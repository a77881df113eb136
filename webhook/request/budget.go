package request

import (
	"context"

	"golang.org/x/sync/semaphore"
)

// Budget bounds a sum of bytes held at once: the bytes of request bodies
// still arriving, or the memory reviews being judged hold (each charged its
// Shape's Cost), so that the webhook's memory stays bounded whatever mix of
// small, large and dense reviews arrives.
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
