package clusterconfig

import (
	"fmt"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Exceptions says who may waive rules with a PolicyException and for how
// long (docs/exceptions.md). The rules under rules/policyexception read it
// when an exception is written, and lib.exceptions when one is honoured.
type Exceptions struct {
	// Approvers are the users who may create, change and delete
	// PolicyExceptions; the approver is read from the admission request.
	// Defaults to none: no exception can be written until the config names
	// someone.
	Approvers []string `json:"approvers"`
	// ApproverGroups are groups whose members are approvers. Defaults to none.
	ApproverGroups []string `json:"approverGroups"`
	// MaxDuration is the furthest an exception's expiry may lie from the time
	// it is written. Defaults to 168h (7 days).
	MaxDuration metav1.Duration `json:"maxDuration"`
	// MaxDurationByRule lowers (or raises) MaxDuration for an exception that
	// waives the rule: rule id → duration. An exception of several rules gets
	// the shortest. Defaults to none.
	MaxDurationByRule map[string]metav1.Duration `json:"maxDurationByRule"`
	// NeverWaivable are the rules no exception may waive. Defaults to
	// tenant-production-delete.
	NeverWaivable []string `json:"neverWaivable"`
	// AllowWideMatch lets an exception name neither objects nor a tenant, and
	// so cover every object of its kind (a whole environment). Defaults to false.
	AllowWideMatch bool `json:"allowWideMatch"`
	// DeleteExpiredAfter deletes an exception this long after it expired;
	// 0 keeps expired exceptions as the record. Defaults to 0.
	DeleteExpiredAfter metav1.Duration `json:"deleteExpiredAfter"`
}

// DefaultExceptions is the exceptions section used when the cluster config sets none.
func DefaultExceptions() Exceptions {
	return Exceptions{
		Approvers:         []string{},
		ApproverGroups:    []string{},
		MaxDuration:       metav1.Duration{Duration: 7 * 24 * time.Hour},
		MaxDurationByRule: map[string]metav1.Duration{},
		NeverWaivable:     []string{"tenant-production-delete"},
	}
}

// maxExceptionDuration bounds every duration of the section: an exception
// that lasts a year is a rule change, not an exception.
const maxExceptionDuration = 366 * 24 * time.Hour

func (e Exceptions) validate(path *field.Path) field.ErrorList {
	errs := nonEmptyStrings(e.Approvers, path.Child("approvers"), false)
	errs = append(errs, nonEmptyStrings(e.ApproverGroups, path.Child("approverGroups"), false)...)
	errs = append(errs, nonEmptyStrings(e.NeverWaivable, path.Child("neverWaivable"), false)...)
	errs = append(errs, exceptionDuration(path.Child("maxDuration"), e.MaxDuration.Duration, time.Minute)...)
	for _, rule := range sortedKeys(e.MaxDurationByRule) {
		errs = append(errs, exceptionDuration(path.Child("maxDurationByRule").Key(rule), e.MaxDurationByRule[rule].Duration, time.Minute)...)
		if slices.Contains(e.NeverWaivable, rule) {
			errs = append(errs, field.Invalid(path.Child("maxDurationByRule").Key(rule), rule, "the rule is listed in neverWaivable"))
		}
	}
	if d := e.DeleteExpiredAfter.Duration; d != 0 {
		errs = append(errs, exceptionDuration(path.Child("deleteExpiredAfter"), d, time.Minute)...)
	}
	return errs
}

// exceptionDuration refuses a duration outside [least, maxExceptionDuration].
func exceptionDuration(p *field.Path, d, least time.Duration) field.ErrorList {
	if d < least || d > maxExceptionDuration {
		return field.ErrorList{field.Invalid(p, d.String(), fmt.Sprintf("must be between %s and %s", least, maxExceptionDuration))}
	}
	return nil
}

// ruleIDs are the rule ids the section names, for ValidateRuleIDs: a typo
// in neverWaivable would leave the meant rule waivable. The default entries
// are left out, so that a policy directory without those rules still loads
// with the default config.
func (e Exceptions) ruleIDs() map[string]*field.Path {
	p := field.NewPath("exceptions")
	ids := map[string]*field.Path{}
	for i, rule := range e.NeverWaivable {
		if !slices.Contains(DefaultExceptions().NeverWaivable, rule) {
			ids[rule] = p.Child("neverWaivable").Index(i)
		}
	}
	for rule := range e.MaxDurationByRule {
		ids[rule] = p.Child("maxDurationByRule").Key(rule)
	}
	return ids
}
