package supervisor

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// newTestEventWriter is an eventWriter over a fake API server.
func newTestEventWriter(t *testing.T) (*eventWriter, client.Client) {
	t.Helper()
	scheme := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(scheme))
	require.NoError(t, tenantv1.AddToScheme(scheme))
	c := fake.NewClientBuilder().WithScheme(scheme).Build()
	return newEventWriter(c, scheme, recorderName, logr.Discard()), c
}

// recordAll writes what is queued, as Start does.
func recordAll(w *eventWriter) {
	for {
		select {
		case e := <-w.pending:
			w.record(context.Background(), e)
		default:
			return
		}
	}
}

func listEvents(t *testing.T, c client.Client) []eventsv1.Event {
	t.Helper()
	var list eventsv1.EventList
	require.NoError(t, c.List(context.Background(), &list))
	return list.Items
}

func TestAnEventIsWrittenOnTheTenantAsClientGoWouldWriteIt(t *testing.T) {
	w, c := newTestEventWriter(t)
	shop := tenant("shop", tenantv1.TenantSpec{Environment: "staging"})
	w.Eventf(shop, nil, corev1.EventTypeNormal, ReasonReady, "Reconcile", "%s applied", "namespace tenant-shop")
	recordAll(w)

	events := listEvents(t, c)
	require.Len(t, events, 1)
	e := events[0]
	assert.Equal(t, "default", e.Namespace, "a cluster-scoped object's Events are in default")
	assert.True(t, strings.HasPrefix(e.Name, "shop."), e.Name)
	assert.Equal(t, "Tenant", e.Regarding.Kind)
	assert.Equal(t, "shop", e.Regarding.Name)
	assert.Equal(t, shop.UID, e.Regarding.UID)
	assert.Equal(t, "tenantguard-supervisor", e.ReportingController)
	assert.True(t, strings.HasPrefix(e.ReportingInstance, "tenantguard-supervisor-"), e.ReportingInstance)
	assert.Equal(t, []string{"Normal", "Ready", "Reconcile", "namespace tenant-shop applied"}, []string{e.Type, e.Reason, e.Action, e.Note})
	assert.False(t, e.EventTime.IsZero())
	assert.Nil(t, e.Series)
}

func TestARepeatedEventCountsInItsSeries(t *testing.T) {
	w, c := newTestEventWriter(t)
	shop := tenant("shop", tenantv1.TenantSpec{Environment: "staging"})
	for range 3 {
		w.Eventf(shop, nil, corev1.EventTypeWarning, ReasonApplyFailed, "Reconcile", "failed")
	}
	w.Eventf(shop, nil, corev1.EventTypeNormal, ReasonReady, "Reconcile", "ready")
	recordAll(w)

	events := listEvents(t, c)
	require.Len(t, events, 2, "one Event per reason")
	byReason := map[string]eventsv1.Event{}
	for _, e := range events {
		byReason[e.Reason] = e
	}
	require.NotNil(t, byReason[ReasonApplyFailed].Series, "the repeats are a series")
	assert.Equal(t, int32(3), byReason[ReasonApplyFailed].Series.Count)
	assert.Nil(t, byReason[ReasonReady].Series)
}

func TestARepeatOfADeletedEventIsWrittenAgain(t *testing.T) {
	w, c := newTestEventWriter(t)
	shop := tenant("shop", tenantv1.TenantSpec{Environment: "staging"})
	w.Eventf(shop, nil, corev1.EventTypeWarning, ReasonApplyFailed, "Reconcile", "failed")
	recordAll(w)
	first := listEvents(t, c)
	require.Len(t, first, 1)
	require.NoError(t, c.Delete(context.Background(), &first[0]), "the API server's TTL removes it")

	w.Eventf(shop, nil, corev1.EventTypeWarning, ReasonApplyFailed, "Reconcile", "failed again")
	recordAll(w)
	again := listEvents(t, c)
	require.Len(t, again, 1)
	assert.Equal(t, "failed again", again[0].Note)
}

// The memory the Events take is bounded whatever the number of Tenants: the
// queue drops what it cannot hold, and the series remember the last
// seriesEntries Events only.
func TestTheEventsMemoryIsBounded(t *testing.T) {
	w, c := newTestEventWriter(t)
	for i := range eventQueue + 10 {
		w.Eventf(tenant(fmt.Sprintf("t%d", i), tenantv1.TenantSpec{}), nil, corev1.EventTypeNormal, ReasonReady, "Reconcile", "ready")
	}
	assert.Len(t, w.pending, eventQueue, "Eventf did not block; what the queue could not hold was dropped")
	recordAll(w)
	assert.Len(t, listEvents(t, c), eventQueue)

	for i := range seriesEntries + 1 {
		w.Eventf(tenant(fmt.Sprintf("s%d", i), tenantv1.TenantSpec{}), nil, corev1.EventTypeNormal, ReasonReady, "Reconcile", "ready")
		recordAll(w)
	}
	assert.Equal(t, seriesEntries, w.series.Len(), "the series remember a bounded number of Events")
	w.Eventf(tenant("s0", tenantv1.TenantSpec{}), nil, corev1.EventTypeNormal, ReasonReady, "Reconcile", "ready")
	recordAll(w)
	assert.Len(t, listEvents(t, c), eventQueue+seriesEntries+2, "the oldest, forgotten, is written anew")
}

func TestALongNoteIsCutToWhatTheAPIServerAccepts(t *testing.T) {
	w, c := newTestEventWriter(t)
	w.Eventf(tenant("shop", tenantv1.TenantSpec{}), nil, corev1.EventTypeWarning, ReasonRefused, "Reconcile", "%s", strings.Repeat("é", maxNote))
	recordAll(w)
	events := listEvents(t, c)
	require.Len(t, events, 1)
	assert.LessOrEqual(t, len(events[0].Note), maxNote)
	assert.True(t, strings.HasSuffix(events[0].Note, "é"), "cut on a character boundary")
}
