package exceptions

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/pipeline"
)

// pinnedShop is the Application argocd/shop pinned to a commit, which
// app-pinned-revision denies and exception("inc-4211") names.
func pinnedShop() map[string]any {
	return map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": map[string]any{"name": "shop", "namespace": "argocd"},
		"spec": map[string]any{
			"project":     "tenant-shop",
			"destination": map[string]any{"server": "https://kubernetes.default.svc", "namespace": "tenant-shop"},
			"source": map[string]any{
				"repoURL": "https://git.example.com/platform/tenants.git", "path": "staging/shop", "targetRevision": "3f1c9a0",
			},
		},
	}
}

// The controller's state and the rules' waiver are two statements of one
// decision: at every instant around the expiry, an exception the controller
// calls Active waives the finding, and one it calls Expired does not.
func TestTheStateAndTheRulesWaiverAgreeAroundTheExpiry(t *testing.T) {
	snapshot, err := live.Loader{}.Load(t.Context())
	require.NoError(t, err)
	e := exception("inc-4211", &noon)
	doc, err := exceptionlookup.ToMap(e)
	require.NoError(t, err)
	clock := clocktesting.NewFakePassiveClock(noon)
	p := &pipeline.Pipeline{
		Config: snapshot.Config, Engine: snapshot.Engine, Clock: clock,
		Exceptions: exceptionlookup.NewIndex([]map[string]any{doc}),
	}

	for _, offset := range []time.Duration{-time.Second, -time.Nanosecond, 0, time.Nanosecond, time.Second} {
		now := noon.Add(offset)
		clock.SetTime(now)
		review, err := decode.Manifest(pinnedShop(), snapshot.Config.Limits)
		require.NoError(t, err)
		findings, err := p.Validate(t.Context(), review)
		require.NoError(t, err)
		require.Len(t, findings, 1, "at expiry%+v", offset)

		waived := findings[0].WaivedBy != nil
		assert.Equal(t, !Expired(e, now), waived, "at expiry%+v: the state is %s", offset, StateOf(e, now))
	}
}
