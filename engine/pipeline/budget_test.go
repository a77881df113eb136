package pipeline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/policies"
	"github.com/tenantguard/tenantguard/test/support/fieldshapes"
)

func TestValidateStopsRulesPastTheEvaluationBudgetAndRefuses(t *testing.T) {
	cfg := clusterconfig.Default()
	engine, err := policy.NewWithConfig(t.Context(), policies.FS, cfg)
	require.NoError(t, err)
	p := &pipeline.Pipeline{Config: cfg, Engine: engine}
	review, err := decode.Manifest(map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": map[string]any{"name": "shop", "namespace": "argocd", "labels": map[string]any{"tenantguard.io/environment": "staging"}},
		"spec":     map[string]any{"source": map[string]any{"repoURL": "r", "targetRevision": "3f1c9a0"}},
	}, cfg.Limits)
	require.NoError(t, err)

	findings, err := p.Validate(t.Context(), review)
	require.NoError(t, err, "within the default budget")
	require.NotEmpty(t, findings, "the pinned revision is found")

	// paths at limits.maxPathBytes cost the rules a hundred times the budget
	review.Object["spec"] = map[string]any{"source": map[string]any{"repoURL": "r", "targetRevision": "3f1c9a0", "path": "staging",
		"helm": map[string]any{"valueFiles": fieldshapes.Paths(4, fieldshapes.ClimbingPath(cfg.Limits.MaxPathBytes/4-16))}}}
	cfg.Limits.MaxEvaluationTime.Duration = time.Millisecond
	findings, err = p.Validate(t.Context(), review)
	require.Error(t, err)
	assert.Nil(t, findings, "never judged, never allowed")
	assert.True(t, strings.Contains(err.Error(), "limits.maxEvaluationTime (1ms)"), err.Error())
}
