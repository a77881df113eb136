package live

import (
	"cmp"
	"context"
	"time"

	"github.com/go-logr/logr"

	"github.com/tenantguard/tenantguard/metrics"
)

// Watcher polls the files of a Loader and swaps in a new snapshot when they
// change. Polling follows ConfigMap volumes, which update by swapping a symlink.
type Watcher struct {
	Loader  Loader
	Current *Current
	// Interval between checks. Defaults to 5 seconds.
	Interval time.Duration
	Log      logr.Logger
}

// NeedLeaderElection is false: every replica serves the webhooks, so every
// replica reloads what they serve.
func (w *Watcher) NeedLeaderElection() bool { return false }

// DefaultInterval is how often a Watcher checks for changes unless told otherwise.
const DefaultInterval = 5 * time.Second

// Start checks for changes until ctx is done. It implements manager.Runnable.
func (w *Watcher) Start(ctx context.Context) error {
	interval := cmp.Or(w.Interval, DefaultInterval)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	failed := ""
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
			failed = w.check(ctx, failed)
		}
	}
}

// check loads the files when their revision differs from the one served and
// from the last one that failed, and returns the revision that failed, if any.
func (w *Watcher) check(ctx context.Context, failed string) string {
	revision, err := w.Loader.Revision()
	served := w.Current.Get().Revision
	if err == nil && (revision == served || revision == failed) {
		return failed
	}
	next, err := w.Loader.Load(ctx)
	if err != nil {
		metrics.ReloadFailures.Inc()
		w.Log.Error(err, "refused changed policies or cluster config; the last good ones keep serving", "serving", served)
		return revision
	}
	w.Current.Set(next)
	metrics.PolicyRevision.DeleteLabelValues(served)
	metrics.PolicyRevision.WithLabelValues(next.Revision).Set(1)
	w.Log.Info("loaded policies and cluster config", "revision", next.Revision, "previous", served)
	return ""
}
