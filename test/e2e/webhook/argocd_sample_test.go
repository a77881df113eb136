package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/defaults"
)

// The app-of-apps sample of docs/argocd.md must be a valid Application and its
// ignoreDifferences must cover every field tenantguard fills in on a child.
func TestParentSampleIgnoresEveryDefaultedField(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(env.Root, "config", "samples", "argocd-parent-application.yaml"))
	require.NoError(t, err)
	parent := &unstructured.Unstructured{}
	require.NoError(t, yaml.Unmarshal(raw, &parent.Object))
	require.NoError(t, env.Client.Create(context.Background(), parent.DeepCopy()), "the sample must be a valid Application")

	ignored := ignoredPaths(t, parent)
	tenant := map[string]any{
		"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": map[string]any{"name": "shop"},
		"spec": map[string]any{"environment": "staging", "arch": "arm64", "airGapped": true, "registryMirror": "mirror.example.com"},
	}
	cfg := clusterconfig.Default()
	cfg.TaintedArchPools = []string{"arm64"}
	for name, child := range map[string]map[string]any{
		"single source": {"spec": map[string]any{"source": map[string]any{"repoURL": "r", "path": "staging/shop"}}},
		"multi source": {"spec": map[string]any{"sources": []any{
			map[string]any{"repoURL": "r", "path": "staging/shop"}, map[string]any{"repoURL": "r", "ref": "values"},
		}}},
		"hydrator": {"spec": map[string]any{"sourceHydrator": map[string]any{"drySource": map[string]any{"repoURL": "r", "path": "staging/shop"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			changes := defaults.Application(child, tenant, cfg)
			require.NotEmpty(t, changes)
			for _, c := range changes {
				assert.True(t, coveredBy(canonical(c.Field), ignored), "%s is not ignored by the parent sample (ignored: %v)", c.Field, ignored)
			}
		})
	}
}

func ignoredPaths(t *testing.T, parent *unstructured.Unstructured) []string {
	entries, _, err := unstructured.NestedSlice(parent.Object, "spec", "ignoreDifferences")
	require.NoError(t, err)
	var paths []string
	for _, e := range entries {
		exprs, _, _ := unstructured.NestedStringSlice(e.(map[string]any), "jqPathExpressions")
		for _, expr := range exprs {
			paths = append(paths, canonical(strings.TrimPrefix(expr, ".")))
		}
	}
	return paths
}

var (
	indexPattern  = regexp.MustCompile(`\[[0-9]*\]`)
	quotedPattern = regexp.MustCompile(`\["([^"]*)"\]`)
)

// canonical writes a field path and a jq path alike: list indexes as [], map keys in brackets unquoted.
func canonical(path string) string {
	return indexPattern.ReplaceAllString(quotedPattern.ReplaceAllString(path, "[$1]"), "[]")
}

func coveredBy(field string, ignored []string) bool {
	for _, p := range ignored {
		if field == p || strings.HasPrefix(field, p+".") || strings.HasPrefix(field, p+"[") {
			return true
		}
	}
	return false
}
