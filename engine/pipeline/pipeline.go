package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"k8s.io/utils/clock"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/defaults"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
)

// Pipeline judges reviews with one cluster config and rule set.
type Pipeline struct {
	// Config is the cluster config.
	Config *clusterconfig.ClusterConfig
	// Engine evaluates the rule set with Config.
	Engine *policy.Engine
	// Tenants finds Tenants. Without it, no Application has a Tenant and no
	// Tenant's namespace is claimed by another.
	Tenants tenantlookup.Lookup
	// Exceptions finds the PolicyExceptions that may waive a finding. Without
	// it, nothing is waived.
	Exceptions exceptionlookup.Lookup
	// Clock is the time exceptions are judged at; the wall clock when nil.
	Clock clock.PassiveClock
}

// InScope reports whether tenantguard judges a review at all. It leaves alone
// an update of an object being deleted that only removes finalizers (its
// deletion needs that), an update of status or operation only (Argo CD writes
// those constantly), and objects in the cluster config's excluded namespaces.
// Any other update of an object being deleted is judged as usual.
func (p *Pipeline) InScope(review *decode.Review) bool {
	return !review.OnlyFinalizersRemoved() && !review.OnlyStatusChanged() &&
		!slices.Contains(p.Config.ExcludedNamespaces, review.Namespace)
}

// Mutate fills in the defaults of the review's object in place and returns
// what it set (a PolicyException's approver, the request's user); nothing for a review out of scope, without an object, or of an
// object being deleted: kube-apiserver refuses a finalizer added to an object
// on its way out, and nothing else should be filled in on it either.
func (p *Pipeline) Mutate(ctx context.Context, review *decode.Review) ([]defaults.Change, error) {
	if review.Object == nil || review.Deleting() || !p.InScope(review) {
		return nil, nil
	}
	switch review.Kind {
	case model.KindApplication:
		tc, err := p.TenantContext(ctx, review)
		if err != nil {
			return nil, err
		}
		return defaults.Application(review.Object, tc.Tenant, p.Config), nil
	case model.KindTenant:
		return defaults.Tenant(review.Object, p.Config), nil
	case model.KindPolicyException:
		return defaults.PolicyException(review.Object, review.UserInfo.Username), nil
	}
	return nil, nil
}

// Validate evaluates the rule set on the review; no findings for a review out of scope.
func (p *Pipeline) Validate(ctx context.Context, review *decode.Review) (policy.Findings, error) {
	if !p.InScope(review) {
		return nil, nil
	}
	if review.Kind == model.KindApplicationSet {
		return p.validateApplicationSet(ctx, review)
	}
	return p.evaluate(ctx, review)
}

// evaluate asks the rules of the review's kind about it, with its Tenant.
func (p *Pipeline) evaluate(ctx context.Context, review *decode.Review) (policy.Findings, error) {
	tc, err := p.TenantContext(ctx, review)
	if err != nil {
		return nil, err
	}
	budget := p.Config.Limits.MaxEvaluationTime.Duration
	if budget > 0 { // a config built by hand rather than loaded may set none
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, budget, errOverBudget)
		defer cancel()
	}
	exceptions, err := p.exceptionsFor(ctx, review, tc)
	if err != nil {
		return nil, err
	}
	findings, err := p.Engine.Review(ctx, policy.Input{
		Operation:  string(review.Operation),
		Object:     review.Object,
		OldObject:  review.OldObject,
		UserInfo:   review.UserInfo,
		Tenant:     tc,
		Exceptions: exceptions,
		Now:        p.now(),
	})
	if err != nil && errors.Is(context.Cause(ctx), errOverBudget) {
		// OPA's cancellation stopped the rules: the object is refused
		// unjudged, never allowed.
		return nil, fmt.Errorf("the rules took longer than limits.maxEvaluationTime (%s) on this object and were stopped", budget)
	}
	return findings, err
}

// exceptionsFor finds the PolicyExceptions that may waive a finding on the
// review's object (the stored one on a deletion).
func (p *Pipeline) exceptionsFor(ctx context.Context, review *decode.Review, tc tenantlookup.Context) ([]map[string]any, error) {
	obj := review.Judged()
	if p.Exceptions == nil || obj == nil {
		return nil, nil
	}
	found, err := p.Exceptions.For(ctx, exceptionlookup.ObjectOf(obj, model.Name(tc.Tenant)))
	if err != nil {
		return nil, fmt.Errorf("finding the %s's PolicyExceptions: %w", review.Kind, err)
	}
	return found, nil
}

// now is the time exceptions are judged at.
func (p *Pipeline) now() time.Time {
	if p.Clock == nil {
		return time.Now()
	}
	return p.Clock.Now()
}

// errOverBudget is the cause of a review's context ending when the rules
// have taken limits.maxEvaluationTime.
var errOverBudget = errors.New("over limits.maxEvaluationTime")

// TenantContext finds what the rules and defaults know of the review's Tenant:
// an Application's Tenant and how it was looked for, or the other Tenants
// claiming a Tenant's namespace. A DELETE is judged by its old object.
func (p *Pipeline) TenantContext(ctx context.Context, review *decode.Review) (tenantlookup.Context, error) {
	obj := review.Judged()
	if p.Tenants == nil || obj == nil {
		return tenantlookup.Context{}, nil
	}
	var tc tenantlookup.Context
	var err error
	switch review.Kind {
	case model.KindApplication, model.KindApplicationSet:
		tc, err = tenantlookup.ForApplication(ctx, p.Tenants, obj)
	case model.KindTenant:
		tc, err = tenantlookup.ForTenant(ctx, p.Tenants, obj, model.OwnedNamespace(obj, p.Config))
	}
	if err != nil {
		return tenantlookup.Context{}, fmt.Errorf("finding the %s's Tenant: %w", review.Kind, err)
	}
	return tc, nil
}
