package audit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/policies"
	"github.com/tenantguard/tenantguard/test/support/fieldshapes"
)

func TestAStoredApplicationWhoseValuesExpandIsAnErrorResultNotEvaluated(t *testing.T) {
	cfg := clusterconfig.Default()
	engine, err := policy.NewWithConfig(t.Context(), policies.FS, cfg)
	require.NoError(t, err)
	p := &pipeline.Pipeline{Config: cfg, Engine: engine}
	var sources []any
	for i := range 8 {
		sources = append(sources, map[string]any{"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.0.0",
			"helm": map[string]any{"values": fieldshapes.AliasValues(i, 95)}})
	}
	obj := map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": map[string]any{"name": "shop", "namespace": "argocd"},
		"spec":     map[string]any{"project": "tenant-shop", "sources": sources},
	}

	v := judge(t.Context(), p, obj)

	require.Error(t, v.Err)
	assert.Contains(t, v.Err.Error(), "spec.sources[0].helm.values")
	assert.Contains(t, v.Err.Error(), "(limits.maxValuesNodes)")
	assert.Empty(t, v.Findings)
	tl := newTally(10, metav1.Timestamp{})
	require.NoError(t, tl.add(&v))
	require.NotNil(t, tl.reports["argocd"])
	assert.Equal(t, 1, tl.reports["argocd"].summary.Error, "an object that could not be judged is an error result")
}
