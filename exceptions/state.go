package exceptions

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// The reasons of the Expired condition.
const (
	// ReasonActive: the expiry lies ahead; the exception waives what it names.
	ReasonActive = "Active"
	// ReasonExpired: the expiry has passed; the exception waives nothing.
	ReasonExpired = "Expired"
	// ReasonNoExpiry: the exception has no expiry, which the rules never
	// honour, so it waives nothing. The validating webhook refuses such an
	// exception; one can only be stored while the webhook is not called.
	ReasonNoExpiry = "NoExpiry"
)

// Expired reports whether e has expired at now: from its expiry instant on,
// as lib.exceptions judges it (it waives only while spec.expires > now). An
// exception without an expiry waives nothing and counts as expired.
func Expired(e *tenantv1.PolicyException, now time.Time) bool {
	return e.Spec.Expires == nil || !now.Before(e.Spec.Expires.Time)
}

// StateOf is e's status.state at now: StateActive or StateExpired.
func StateOf(e *tenantv1.PolicyException, now time.Time) string {
	if Expired(e, now) {
		return tenantv1.StateExpired
	}
	return tenantv1.StateActive
}

// expiredCondition is e's Expired condition at now; its transition time is
// left for setStatus.
func expiredCondition(e *tenantv1.PolicyException, now time.Time) metav1.Condition {
	c := metav1.Condition{Type: tenantv1.ConditionExpired, ObservedGeneration: e.Generation}
	switch {
	case e.Spec.Expires == nil:
		c.Status, c.Reason = metav1.ConditionTrue, ReasonNoExpiry
		c.Message = "the exception has no spec.expires, so it waives nothing"
	case Expired(e, now):
		c.Status, c.Reason = metav1.ConditionTrue, ReasonExpired
		c.Message = fmt.Sprintf("the exception expired at %s and waives nothing since", expiry(e))
	default:
		c.Status, c.Reason = metav1.ConditionFalse, ReasonActive
		c.Message = fmt.Sprintf("the exception waives %v until %s", e.Spec.Rules, expiry(e))
	}
	return c
}

// expiry writes e's expiry as it is stored, RFC 3339 in UTC.
func expiry(e *tenantv1.PolicyException) string {
	return e.Spec.Expires.UTC().Format(time.RFC3339)
}

// setStatus sets e's state and Expired condition for now, and reports
// whether they changed. The condition's transition time is now, on the
// injected clock, and moves only with its status.
func setStatus(e *tenantv1.PolicyException, now time.Time) bool {
	next := expiredCondition(e, now)
	state := StateOf(e, now)
	cur := meta.FindStatusCondition(e.Status.Conditions, tenantv1.ConditionExpired)
	if e.Status.State == state && cur != nil && cur.Status == next.Status && cur.Reason == next.Reason &&
		cur.Message == next.Message && cur.ObservedGeneration == next.ObservedGeneration {
		return false
	}
	next.LastTransitionTime = metav1.NewTime(now)
	if cur != nil && cur.Status == next.Status {
		next.LastTransitionTime = cur.LastTransitionTime
	}
	e.Status.State = state
	meta.SetStatusCondition(&e.Status.Conditions, next)
	return true
}
