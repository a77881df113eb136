package pipeline_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/policy"
)

const pinShop = `{"apiVersion":"tenantguard.io/v1alpha1","kind":"PolicyException",
 "metadata":{"name":"inc-4211"},
 "spec":{"rules":["app-pinned-revision"],"match":{"kind":"Application","namespace":"argocd","names":["shop"]},
  "reason":"INC-4211","requestedBy":"alice","expires":"2026-12-06T12:00:00Z"}}`

const pinnedApp = `{"apiVersion":"argoproj.io/v1alpha1","kind":"Application",
 "metadata":{"name":"shop","namespace":"argocd"},
 "spec":{"project":"tenant-shop","destination":{"server":"https://kubernetes.default.svc","namespace":"tenant-shop"},
  "source":{"repoURL":"https://git.example.com/platform/tenants.git","path":"staging/shop","targetRevision":"3f1c9a0"}}}`

func TestAnExceptionWaivesUntilItsExpiryOnTheClock(t *testing.T) {
	p := served(t)
	p.Exceptions = exceptionlookup.NewIndex([]map[string]any{object(t, pinShop, nil)})
	clock := clocktesting.NewFakePassiveClock(time.Date(2026, 12, 6, 11, 59, 59, 0, time.UTC))
	p.Clock = clock
	review := &decode.Review{Operation: admissionv1.Create, Kind: model.KindApplication,
		Namespace: "argocd", Name: "shop", Object: object(t, pinnedApp, nil)}

	findings, err := p.Validate(t.Context(), review)
	require.NoError(t, err)
	require.Len(t, findings.Waived(), 1)
	assert.Empty(t, findings.With(policy.Deny), "a waived finding refuses nothing")
	assert.Equal(t, &policy.Waiver{Name: "inc-4211", Expires: "2026-12-06T12:00:00Z", Reason: "INC-4211"}, findings[0].WaivedBy)
	assert.Contains(t, findings[0].String(), "(waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)")

	clock.SetTime(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	findings, err = p.Validate(t.Context(), review)
	require.NoError(t, err)
	assert.Empty(t, findings.Waived(), "at its expiry the exception waives nothing")
	require.Len(t, findings.With(policy.Deny), 1)
	assert.Equal(t, "app-pinned-revision", findings[0].Rule)
}

func TestAnExceptionForAnotherApplicationWaivesNothing(t *testing.T) {
	p := served(t)
	p.Exceptions = exceptionlookup.NewIndex([]map[string]any{object(t, pinShop, nil)})
	p.Clock = clocktesting.NewFakePassiveClock(time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC))
	cart := object(t, pinnedApp, func(o map[string]any) { o["metadata"].(map[string]any)["name"] = "cart" })
	review := &decode.Review{Operation: admissionv1.Create, Kind: model.KindApplication,
		Namespace: "argocd", Name: "cart", Object: cart}

	findings, err := p.Validate(t.Context(), review)
	require.NoError(t, err)
	assert.Empty(t, findings.Waived())
	assert.Len(t, findings.With(policy.Deny), 1)
}
