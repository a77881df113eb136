package live

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/manager"
)

// Resend sends every object of a controller's kind to the controller again
// after each reload of the served policies and cluster config, so that a
// reloaded config reaches the objects that no event of their own would bring
// back (a Tenant whose platform repository moved, an expired PolicyException
// the config now says to delete). It runs on the elected leader, as the
// controllers it feeds do, which alone read its channel.
type Resend[T client.Object] struct {
	changes <-chan struct{}
	reader  client.Reader
	newList func() client.ObjectList
	out     chan<- event.TypedGenericEvent[T]
}

var _ manager.LeaderElectionRunnable = &Resend[client.Object]{}

// NewResend watches current's reloads from now on, and after each one lists
// newList's kind through reader and sends every item, a T, to out.
func NewResend[T client.Object](current *Current, reader client.Reader, newList func() client.ObjectList,
	out chan<- event.TypedGenericEvent[T]) *Resend[T] {
	return &Resend[T]{changes: current.Subscribe(), reader: reader, newList: newList, out: out}
}

// NeedLeaderElection is true: only the leader's controller reads the events.
func (r *Resend[T]) NeedLeaderElection() bool { return true }

// Start resends after each reload until ctx ends.
func (r *Resend[T]) Start(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-r.changes:
			r.sendAll(ctx)
		}
	}
}

func (r *Resend[T]) sendAll(ctx context.Context) {
	list := r.newList()
	if err := r.reader.List(ctx, list); err != nil {
		return // the next reload, or the objects' own events, reach them
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return
	}
	for _, item := range items {
		obj, ok := item.(T)
		if !ok {
			continue
		}
		select {
		case r.out <- event.TypedGenericEvent[T]{Object: obj}:
		case <-ctx.Done():
			return
		}
	}
}
