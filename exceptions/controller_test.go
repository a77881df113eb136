package exceptions

import (
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/clusterconfig"
)

// noon is when the exceptions of these tests expire.
var noon = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func exception(name string, expires *time.Time) *tenantv1.PolicyException {
	e := &tenantv1.PolicyException{
		ObjectMeta: metav1.ObjectMeta{Name: name, Generation: 1},
		Spec: tenantv1.PolicyExceptionSpec{
			Rules:  []string{"app-pinned-revision"},
			Match:  tenantv1.ExceptionMatch{Kind: "Application", Namespace: "argocd", Names: []string{"shop"}},
			Reason: "INC-4211", RequestedBy: "alice",
		},
	}
	if expires != nil {
		e.Spec.Expires = &metav1.Time{Time: *expires}
	}
	return e
}

// reconciler reconciles objs in a fake API server at the clock's time, with
// exceptions.deleteExpiredAfter set to deleteAfter.
func reconciler(t *testing.T, clock *clocktesting.FakeClock, deleteAfter time.Duration, objs ...client.Object) *Reconciler {
	t.Helper()
	scheme := runtime.NewScheme()
	require.NoError(t, tenantv1.AddToScheme(scheme))
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).WithStatusSubresource(&tenantv1.PolicyException{}).Build()
	cfg := clusterconfig.Default()
	cfg.Exceptions.DeleteExpiredAfter = metav1.Duration{Duration: deleteAfter}
	return &Reconciler{Client: c, Config: func() *clusterconfig.ClusterConfig { return cfg }, Clock: clock, Log: logr.Discard()}
}

func reconcileOnce(t *testing.T, r *Reconciler, name string) reconcile.Result {
	t.Helper()
	res, err := r.Reconcile(t.Context(), reconcile.Request{NamespacedName: client.ObjectKey{Name: name}})
	require.NoError(t, err)
	return res
}

func stored(t *testing.T, r *Reconciler, name string) *tenantv1.PolicyException {
	t.Helper()
	var e tenantv1.PolicyException
	require.NoError(t, r.Client.Get(t.Context(), client.ObjectKey{Name: name}, &e))
	return &e
}

func TestAnExceptionIsActiveUntilItsExpiryThenExpired(t *testing.T) {
	clock := clocktesting.NewFakeClock(noon.Add(-time.Hour))
	r := reconciler(t, clock, 0, exception("inc-4211", &noon))

	res := reconcileOnce(t, r, "inc-4211")

	assert.Equal(t, time.Hour, res.RequeueAfter, "looked at again at the expiry instant")
	e := stored(t, r, "inc-4211")
	assert.Equal(t, tenantv1.StateActive, e.Status.State)
	c := meta.FindStatusCondition(e.Status.Conditions, tenantv1.ConditionExpired)
	require.NotNil(t, c)
	assert.Equal(t, metav1.ConditionFalse, c.Status)
	assert.Equal(t, ReasonActive, c.Reason)
	assert.Equal(t, "the exception waives [app-pinned-revision] until 2026-12-06T12:00:00Z", c.Message)
	assert.Equal(t, int64(1), c.ObservedGeneration)

	clock.SetTime(noon)
	res = reconcileOnce(t, r, "inc-4211")

	assert.Zero(t, res, "an expired exception is kept, and nothing is left to do")
	e = stored(t, r, "inc-4211")
	assert.Equal(t, tenantv1.StateExpired, e.Status.State)
	c = meta.FindStatusCondition(e.Status.Conditions, tenantv1.ConditionExpired)
	require.NotNil(t, c)
	assert.Equal(t, metav1.ConditionTrue, c.Status)
	assert.Equal(t, ReasonExpired, c.Reason)
	assert.Equal(t, "the exception expired at 2026-12-06T12:00:00Z and waives nothing since", c.Message)
	assert.True(t, c.LastTransitionTime.Time.Equal(noon), "the transition is at the clock's time, %s", c.LastTransitionTime)
}

func TestAnUnchangedStatusIsNotWrittenAgain(t *testing.T) {
	clock := clocktesting.NewFakeClock(noon.Add(-time.Hour))
	r := reconciler(t, clock, 0, exception("inc-4211", &noon))
	reconcileOnce(t, r, "inc-4211")
	before := stored(t, r, "inc-4211")

	clock.Step(time.Minute)
	res := reconcileOnce(t, r, "inc-4211")

	assert.Equal(t, 59*time.Minute, res.RequeueAfter)
	assert.Equal(t, before.ResourceVersion, stored(t, r, "inc-4211").ResourceVersion)
}

func TestAnExpiredExceptionIsDeletedWhenTheConfigSaysAfterHowLong(t *testing.T) {
	clock := clocktesting.NewFakeClock(noon)
	r := reconciler(t, clock, 24*time.Hour, exception("inc-4211", &noon))

	res := reconcileOnce(t, r, "inc-4211")

	assert.Equal(t, 24*time.Hour, res.RequeueAfter, "looked at again when due for deletion")
	assert.Equal(t, tenantv1.StateExpired, stored(t, r, "inc-4211").Status.State)

	clock.Step(24 * time.Hour)
	reconcileOnce(t, r, "inc-4211")

	err := r.Client.Get(t.Context(), client.ObjectKey{Name: "inc-4211"}, &tenantv1.PolicyException{})
	assert.True(t, apierrors.IsNotFound(err), "deleted a day after its expiry: %v", err)
	assert.Zero(t, reconcileOnce(t, r, "inc-4211"), "a deleted exception is nothing to do")
}

func TestAnExceptionWithoutExpiryWaivesNothingAndIsKept(t *testing.T) {
	clock := clocktesting.NewFakeClock(noon)
	r := reconciler(t, clock, time.Hour, exception("no-expiry", nil))

	res := reconcileOnce(t, r, "no-expiry")

	assert.Zero(t, res)
	e := stored(t, r, "no-expiry")
	assert.Equal(t, tenantv1.StateExpired, e.Status.State)
	c := meta.FindStatusCondition(e.Status.Conditions, tenantv1.ConditionExpired)
	require.NotNil(t, c)
	assert.Equal(t, ReasonNoExpiry, c.Reason)
}
