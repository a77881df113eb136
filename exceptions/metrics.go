package exceptions

import (
	"context"
	"slices"
	"time"

	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/metrics"
)

// otherRule is the rule label of a rule id outside the loaded rule set: one
// the rules were rid of after the exception was written.
const otherRule = "_other"

// RegisterMetrics counts the exceptions of reader (the manager's cache)
// for tenantguard_policy_exceptions at each scrape, judged at clk's time
// (the wall clock when nil), with the rule ids of the snapshot state serves.
// serve calls it on every replica, whether the controller runs there or not:
// every replica's cache holds the exceptions.
func RegisterMetrics(reader client.Reader, state *live.Current, clk clock.PassiveClock) {
	if clk == nil {
		clk = clock.RealClock{}
	}
	metrics.Register()
	metrics.PolicyExceptions.CountWith(func() []metrics.ExceptionCount {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var list tenantv1.PolicyExceptionList
		// Read only: no copy of every exception for each scrape.
		if err := reader.List(ctx, &list, client.UnsafeDisableDeepCopy); err != nil {
			return nil
		}
		return count(list.Items, state.Get().Engine.RuleIDs(), clk.Now())
	})
}

// count counts exceptions by the rules they waive and their state at now:
// every rule of the rule set in both states, zeros included, so that a
// query needs no absent(); an id outside it as otherRule.
func count(items []tenantv1.PolicyException, rules []string, now time.Time) []metrics.ExceptionCount {
	type key struct{ rule, state string }
	counts := map[key]int{}
	for i := range items {
		state := metrics.ExceptionActive
		if Expired(&items[i], now) {
			state = metrics.ExceptionExpired
		}
		for _, rule := range items[i].Spec.Rules {
			if !slices.Contains(rules, rule) {
				rule = otherRule
			}
			counts[key{rule, state}]++
		}
	}
	out := make([]metrics.ExceptionCount, 0, 2*len(rules)+2)
	for _, rule := range append(slices.Sorted(slices.Values(rules)), otherRule) {
		for _, state := range []string{metrics.ExceptionActive, metrics.ExceptionExpired} {
			if n := counts[key{rule, state}]; n > 0 || rule != otherRule {
				out = append(out, metrics.ExceptionCount{Rule: rule, State: state, Count: n})
			}
		}
	}
	return out
}
