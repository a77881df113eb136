package supervisor

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"
	"unicode/utf8"

	"github.com/go-logr/logr"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/reference"
	"k8s.io/utils/lru"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The supervisor records its Events itself rather than through client-go's
// events.k8s.io broadcaster, whose series cache keeps a full copy of every
// Event for six to twelve minutes to detect repeats: one Ready Event per
// Tenant is some 11 MB at 10,000 Tenants, held for nothing, since a Tenant
// seldom repeats an Event. Here the Events wait in a bounded queue, and only
// the last seriesEntries (Tenant, type, reason, action) are remembered, each
// by the name of its Event, so that a Tenant that keeps failing the same way
// gets one Event whose series counts the repeats, as client-go's would.
const (
	// eventQueue is how many Events may wait to be written; more are dropped
	// (and logged): Events are a courtesy to the operator, the Tenant's
	// conditions are the record.
	eventQueue = 256
	// seriesEntries is how many recent Events are remembered for series.
	seriesEntries = 512
	// seriesWindow is how long an Event is extended by a repeat, rather
	// than a new one written: client-go's six minutes.
	seriesWindow = 6 * time.Minute
	// maxNote is the longest note the API server accepts, in bytes.
	maxNote = 1024
	// eventTries is how often writing one Event is tried.
	eventTries = 3
)

// eventWriter records the supervisor's Events as events.k8s.io/v1 Events. It
// is a manager Runnable: Events are written while the manager runs, on the
// elected leader, as the supervisor reconciles there.
type eventWriter struct {
	client     client.Client
	scheme     *runtime.Scheme
	controller string
	instance   string
	log        logr.Logger
	pending    chan *eventsv1.Event
	series     *lru.Cache // seriesKey → *seriesEntry; read and written by Start's goroutine only
	retryAfter time.Duration
}

// seriesKey is what makes two Events the same, as client-go's series do:
// the object they regard, their type, reason and action.
type seriesKey struct {
	kind, name          string
	uid                 types.UID
	typ, reason, action string
}

// seriesEntry is one recent Event: its name and how often it was seen.
type seriesEntry struct {
	name, namespace string
	count           int32
	last            time.Time
}

func newEventWriter(c client.Client, scheme *runtime.Scheme, controller string, log logr.Logger) *eventWriter {
	host, _ := os.Hostname()
	return &eventWriter{
		client: c, scheme: scheme, controller: controller, instance: controller + "-" + host, log: log,
		pending: make(chan *eventsv1.Event, eventQueue), series: lru.New(seriesEntries), retryAfter: time.Second,
	}
}

// Eventf queues an Event on regarding; it never blocks a reconcile. It
// implements client-go's events.EventRecorder.
func (w *eventWriter) Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...any) {
	e, err := w.event(regarding, related, eventtype, reason, action, fmt.Sprintf(note, args...))
	if err != nil {
		w.log.Error(err, "not recording an Event", "reason", reason)
		return
	}
	select {
	case w.pending <- e:
	default:
		w.log.Info("dropping an Event: too many waiting to be written", "regarding", e.Regarding.Name, "reason", reason)
	}
}

// event is the Event to write, named as client-go names them.
func (w *eventWriter) event(regarding, related runtime.Object, eventtype, reason, action, note string) (*eventsv1.Event, error) {
	ref, err := reference.GetReference(w.scheme, regarding)
	if err != nil {
		return nil, err
	}
	e := &eventsv1.Event{
		EventTime:           metav1.NowMicro(),
		ReportingController: w.controller,
		ReportingInstance:   w.instance,
		Action:              action,
		Reason:              reason,
		Regarding:           *ref,
		Note:                truncate(note, maxNote),
		Type:                eventtype,
	}
	if related != nil {
		if e.Related, err = reference.GetReference(w.scheme, related); err != nil {
			return nil, err
		}
	}
	e.Namespace = cmp.Or(ref.Namespace, metav1.NamespaceDefault) // a cluster-scoped object's Events live in default
	e.Name = fmt.Sprintf("%s.%x", ref.Name, e.EventTime.UnixNano())
	return e, nil
}

// Start writes the queued Events until ctx ends.
func (w *eventWriter) Start(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-w.pending:
			w.record(ctx, e)
		}
	}
}

// record writes e, or counts it in the series of the same recent Event.
func (w *eventWriter) record(ctx context.Context, e *eventsv1.Event) {
	key := seriesKey{e.Regarding.Kind, e.Regarding.Name, e.Regarding.UID, e.Type, e.Reason, e.Action}
	if v, ok := w.series.Get(key); ok {
		s := v.(*seriesEntry)
		if e.EventTime.Sub(s.last) < seriesWindow {
			s.count++
			s.last = e.EventTime.Time
			err := w.try(ctx, func() error { return w.extend(ctx, s) })
			if !apierrors.IsNotFound(err) {
				w.logFailure(err, e)
				return
			}
			// The Event expired on the server: write a new one.
		}
	}
	err := w.try(ctx, func() error { return w.client.Create(ctx, e.DeepCopy()) })
	if err != nil {
		w.logFailure(err, e)
		return
	}
	w.series.Add(key, &seriesEntry{name: e.Name, namespace: e.Namespace, count: 1, last: e.EventTime.Time})
	w.log.V(1).Info(e.Note, "type", e.Type, "regarding", e.Regarding.Name, "reason", e.Reason) // as client-go's recorder logs them
}

// extend records a repeat in the Event's series.
func (w *eventWriter) extend(ctx context.Context, s *seriesEntry) error {
	patch, err := json.Marshal(map[string]any{"series": eventsv1.EventSeries{Count: s.count, LastObservedTime: metav1.NewMicroTime(s.last)}})
	if err != nil {
		return err
	}
	target := &eventsv1.Event{ObjectMeta: metav1.ObjectMeta{Name: s.name, Namespace: s.namespace}}
	return w.client.Patch(ctx, target, client.RawPatch(types.MergePatchType, patch))
}

// try runs write up to eventTries times while it fails in a way that may
// pass: the API server unreachable or overloaded.
func (w *eventWriter) try(ctx context.Context, write func() error) error {
	var err error
	for range eventTries {
		if err = write(); err == nil || !retriable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(w.retryAfter):
		}
	}
	return err
}

func retriable(err error) bool {
	return !apierrors.IsNotFound(err) && !apierrors.IsInvalid(err) && !apierrors.IsForbidden(err) &&
		!apierrors.IsAlreadyExists(err) && !apierrors.IsBadRequest(err)
}

func (w *eventWriter) logFailure(err error, e *eventsv1.Event) {
	if err != nil {
		w.log.Error(err, "writing an Event", "regarding", e.Regarding.Name, "reason", e.Reason)
	}
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
