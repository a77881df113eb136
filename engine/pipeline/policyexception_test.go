package pipeline_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
)

// exceptionReview is the CREATE of pinShop (expiring at noon) by user,
// who wrote approvedBy as the-cto.
func exceptionReview(t *testing.T, user string) *decode.Review {
	e := object(t, pinShop, func(o map[string]any) { o["spec"].(map[string]any)["approvedBy"] = "the-cto" })
	return &decode.Review{Operation: admissionv1.Create, Kind: model.KindPolicyException, Name: "inc-4211",
		Object: e, UserInfo: authenticationv1.UserInfo{Username: user}}
}

// approving is the pipeline of a cluster whose config names oncall-lead an approver.
func approving(t *testing.T) *pipeline.Pipeline {
	t.Helper()
	file := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(file, []byte("exceptions: {approvers: [oncall-lead]}\n"), 0o600))
	snapshot, err := live.Loader{ConfigFile: file}.Load(t.Context())
	require.NoError(t, err)
	return &pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine}
}

func TestAnApproversExceptionIsRecordedAsTheirsAndAdmitted(t *testing.T) {
	p := approving(t)
	p.Clock = clocktesting.NewFakePassiveClock(time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC))
	review := exceptionReview(t, "oncall-lead")

	changes, err := p.Mutate(t.Context(), review)
	require.NoError(t, err)
	require.Len(t, changes, 1)
	assert.Equal(t, "oncall-lead", model.String(review.Object, "spec", "approvedBy"))

	findings, err := p.Validate(t.Context(), review)
	require.NoError(t, err)
	assert.Empty(t, findings)
}

func TestAnExceptionIsJudgedByItsRulesAtTheClocksTime(t *testing.T) {
	p := approving(t)
	p.Clock = clocktesting.NewFakePassiveClock(time.Date(2026, 12, 6, 13, 0, 0, 0, time.UTC))
	review := exceptionReview(t, "mallory")
	_, err := p.Mutate(t.Context(), review)
	require.NoError(t, err)

	findings, err := p.Validate(t.Context(), review)
	require.NoError(t, err)
	var rules []string
	for _, f := range findings.With(policy.Deny) {
		rules = append(rules, f.Rule)
	}
	assert.ElementsMatch(t, []string{"exception-approver", "exception-expiry"}, rules,
		"mallory is no approver, and at 13:00 the noon expiry has passed")
}
