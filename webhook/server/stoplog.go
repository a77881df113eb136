package server

import (
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
// an error. The manager releases the leader election Lease when it stops
// (LeaderElectionReleaseOnCancel), and controller-runtime v0.25 reports the
// end of the elector it cancelled itself as "leader election lost", at error
// level, once its stop sequence is engaged. That report, and only that one,
// becomes an info line: a Lease lost while serving does not reach it, since
// it ends the manager's Start with that error, which serve logs and exits 1 on.
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

// Error logs err, unless it is the elector ending on a stop.
func (s stopSink) Error(err error, msg string, keysAndValues ...any) {
	if msg == stopEngagedMessage && err != nil && err.Error() == leaseEndedError {
		if s.Enabled(0) {
			s.LogSink.Info(0, "leader election ended on stop; the Lease is released", keysAndValues...)
		}
		return
	}
	s.LogSink.Error(err, msg, keysAndValues...)
}

// WithValues keeps the filter on the derived logger.
func (s stopSink) WithValues(keysAndValues ...any) logr.LogSink {
	return stopSink{LogSink: s.LogSink.WithValues(keysAndValues...)}
}

// WithName keeps the filter on the derived logger.
func (s stopSink) WithName(name string) logr.LogSink {
	return stopSink{LogSink: s.LogSink.WithName(name)}
}
