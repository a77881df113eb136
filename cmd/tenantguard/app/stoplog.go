package app

import (
	"context"
	"errors"

	"github.com/go-logr/logr"
)

// The manager's words for the leader elector ending during its stop. The
// tests of test/serve, which stop `tenantguard serve` and read its log, hold
// them to the controller-runtime in go.mod.
const (
	stopEngagedMessage = "error received after stop sequence was engaged"
	leaseEndedError    = "leader election lost"
)

// stopLogger is the manager's logger, which keeps a normal stop from logging
// an error. Two reports become info lines:
//   - The manager releases the leader election Lease when it stops
//     (LeaderElectionReleaseOnCancel), and controller-runtime v0.25 reports
//     the end of the elector it cancelled itself as "leader election lost",
//     at error level, once its stop sequence is engaged. A Lease lost while
//     serving does not reach that report: it ends the manager's Start with
//     the error, which serve logs and exits 1 on.
//   - An error that is context.Canceled is work the stop cut short (the
//     Lease's renewal in flight, a reconcile): only the stop cancels the
//     manager's contexts.
func stopLogger(log logr.Logger) logr.Logger {
	return logr.New(stopSink{LogSink: log.GetSink()})
}

// stopSink passes everything to LogSink but the Lease's release on stop.
type stopSink struct {
	logr.LogSink
}

// Init does nothing: the wrapped sink was initialised by the logger it came
// from, and may be shared with other loggers (ctrl.Log's is).
func (stopSink) Init(logr.RuntimeInfo) {}

// Error logs err, unless the stop caused it.
func (s stopSink) Error(err error, msg string, keysAndValues ...any) {
	switch {
	case msg == stopEngagedMessage && err != nil && err.Error() == leaseEndedError:
		s.info("leader election ended on stop; the Lease is released", keysAndValues)
	case errors.Is(err, context.Canceled):
		s.info(msg+" (cut short by the stop)", append(keysAndValues, "error", err.Error()))
	default:
		s.LogSink.Error(err, msg, keysAndValues...)
	}
}

func (s stopSink) info(msg string, keysAndValues []any) {
	if s.Enabled(0) {
		s.LogSink.Info(0, msg, keysAndValues...)
	}
}

// WithValues keeps the filter on the derived logger.
func (s stopSink) WithValues(keysAndValues ...any) logr.LogSink {
	return stopSink{LogSink: s.LogSink.WithValues(keysAndValues...)}
}

// WithName keeps the filter on the derived logger.
func (s stopSink) WithName(name string) logr.LogSink {
	return stopSink{LogSink: s.LogSink.WithName(name)}
}
