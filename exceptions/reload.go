package exceptions

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// reloadWatch sends every exception to the controller after each swapped
// snapshot of policies and config, so that a changed
// exceptions.deleteExpiredAfter reaches the exceptions already expired,
// which nothing else brings back. It runs on the leader, as the controller
// does, which alone reads out.
type reloadWatch struct {
	reader  client.Reader
	changes <-chan struct{}
	out     chan<- event.TypedGenericEvent[*tenantv1.PolicyException]
}

var _ manager.LeaderElectionRunnable = &reloadWatch{}

// NeedLeaderElection is true: only the leader's controller reads the events.
func (w *reloadWatch) NeedLeaderElection() bool { return true }

// Start sends every exception after each reload until ctx ends.
func (w *reloadWatch) Start(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.changes:
			w.sendAll(ctx)
		}
	}
}

func (w *reloadWatch) sendAll(ctx context.Context) {
	var list tenantv1.PolicyExceptionList
	if err := w.reader.List(ctx, &list); err != nil {
		return // the next reload, or the exceptions' own events, reach them
	}
	for i := range list.Items {
		select {
		case w.out <- event.TypedGenericEvent[*tenantv1.PolicyException]{Object: &list.Items[i]}:
		case <-ctx.Done():
			return
		}
	}
}
