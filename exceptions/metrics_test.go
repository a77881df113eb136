package exceptions

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/metrics"
)

func TestExceptionsAreCountedByRuleAndStateAtTheInstant(t *testing.T) {
	later := noon.Add(time.Hour)
	two := exception("two-rules", &later)
	two.Spec.Rules = []string{"app-pinned-revision", "app-path-env"}
	gone := exception("gone-rule", &later)
	gone.Spec.Rules = []string{"app-retired"}
	items := []tenantv1.PolicyException{*exception("inc-4211", &noon), *two, *gone}

	got := count(items, []string{"app-pinned-revision", "app-path-env", "app-project"}, noon)

	assert.Equal(t, []metrics.ExceptionCount{
		{Rule: "app-path-env", State: "active", Count: 1},
		{Rule: "app-path-env", State: "expired", Count: 0},
		{Rule: "app-pinned-revision", State: "active", Count: 1},
		{Rule: "app-pinned-revision", State: "expired", Count: 1},
		{Rule: "app-project", State: "active", Count: 0},
		{Rule: "app-project", State: "expired", Count: 0},
		{Rule: otherRule, State: "active", Count: 1},
	}, got)
}
