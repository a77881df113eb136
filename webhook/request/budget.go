package request

import (
	"context"
	"sync"
)

// Budget bounds a sum of bytes held at once: the bytes of request bodies
// still arriving, or the memory reviews being judged hold (each charged its
// Shape's Cost), so that the webhook's memory stays bounded whatever mix of
// small, large and dense reviews arrives.
//
// A waiter takes its bytes as soon as they are free, whoever waited first: in
// a queue served in order, an ordinary review of a few KiB would wait behind
// a dense one waiting for most of the budget, and every review would take as
// long as the costliest before it.
type Budget struct {
	mu   sync.Mutex
	size int64
	used int64
	// freed is closed when bytes are given back; it is made only when a
	// waiter needs it, so that a budget nobody waits on allocates nothing.
	freed chan struct{}
}

// NewBudget returns a budget of size bytes.
func NewBudget(size int64) *Budget {
	return &Budget{size: size}
}

// Size is the budget's total in bytes.
func (b *Budget) Size() int64 { return b.size }

// Acquire waits until n bytes are free or ctx ends. A review larger than the
// whole budget takes all of it, so that it waits for the others rather than
// forever. The returned release gives the bytes back; call it once.
func (b *Budget) Acquire(ctx context.Context, n int64) (release func(), err error) {
	take := min(max(n, 1), b.size) // never reassigned, so the release holds a copy
	for {
		b.mu.Lock()
		if b.used+take <= b.size {
			b.used += take
			b.mu.Unlock()
			return func() { b.release(take) }, nil
		}
		if b.freed == nil {
			b.freed = make(chan struct{})
		}
		freed := b.freed
		b.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (b *Budget) release(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	if b.freed != nil {
		close(b.freed)
		b.freed = nil
	}
}
