package live_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/metrics"
)

func TestEmbeddedPoliciesAndDefaultConfigLoad(t *testing.T) {
	snapshot, err := live.Loader{}.Load(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "amd64", snapshot.Config.Defaults.Arch)
	assert.Contains(t, snapshot.Engine.RuleIDs(), "app-pinned-revision")
	assert.Len(t, snapshot.Revision, 12)
}

func TestWatcherSwapsInChangesAndRefusesBrokenOnes(t *testing.T) {
	dir := t.TempDir()
	configFile := filepath.Join(dir, "config.yaml")
	write(t, configFile, "arches: [amd64, arm64]\n")
	loader := live.Loader{ConfigFile: configFile}
	first, err := loader.Load(t.Context())
	require.NoError(t, err)
	current := live.NewCurrent(first)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		_ = (&live.Watcher{Loader: loader, Current: current, Interval: 10 * time.Millisecond, Log: logr.Discard()}).Start(ctx)
	}()

	write(t, configFile, "arches: [amd64, arm64, s390x]\n")
	require.Eventually(t, func() bool { return len(current.Get().Config.Arches) == 3 }, 5*time.Second, 10*time.Millisecond,
		"a valid change is served")
	good := current.Get()

	failures := testutil.ToFloat64(metrics.ReloadFailures)
	write(t, configFile, "arches: []\n")
	require.Eventually(t, func() bool { return testutil.ToFloat64(metrics.ReloadFailures) > failures }, 5*time.Second, 10*time.Millisecond,
		"a broken change is counted")
	assert.Same(t, good, current.Get(), "the last good config keeps serving")

	write(t, configFile, "arches: [amd64]\n")
	write(t, filepath.Join(dir, "broken.rego"), "package x\nthis is not rego")
	broken := live.Loader{ConfigFile: configFile, PolicyDir: dir}
	_, err = broken.Load(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "broken.rego:2")
}

// write replaces a file whole, as a ConfigMap volume does (it swaps a
// symlink), so that the watcher never reads a half-written file.
func write(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, []byte(content), 0o600))
	require.NoError(t, os.Rename(tmp, path))
}

func TestExtraPoliciesRunBesideTheEmbeddedOnes(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "team.rego"), `# METADATA
# title: Applications of team shop name their owner
# custom:
#   id: team-owner-label
#   enforcement: warn
package tenantguard.rules.team_owner_label

import data.tenantguard.lib
import data.tenantguard.lib.application as app

violation contains v if {
	app.is_application
	not app.labels.owner
	v := lib.violation(rego.metadata.chain(), "metadata.labels.owner", "", sprintf("%s: set metadata.labels.owner", [app.display_name]))
}
`)
	snapshot, err := live.Loader{ExtraPolicyDir: dir}.Load(t.Context())
	require.NoError(t, err)
	assert.Contains(t, snapshot.Engine.RuleIDs(), "team-owner-label")
	assert.Contains(t, snapshot.Engine.RuleIDs(), "app-pinned-revision", "the embedded rules still run")

	app := map[string]any{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": map[string]any{"name": "shop", "namespace": "argocd"},
		"spec":     map[string]any{"project": "tenant-shop"}}
	findings, err := snapshot.Engine.Review(t.Context(), policy.Input{Operation: "CREATE", Object: app})
	require.NoError(t, err)
	require.Len(t, findings.With(policy.Warn), 1)
	assert.Equal(t, "[team-owner-label] Application argocd/shop: set metadata.labels.owner", findings.With(policy.Warn)[0].String())

	write(t, filepath.Join(dir, "broken.rego"), "package tenantguard.rules.broken\nviolation contains")
	_, err = live.Loader{ExtraPolicyDir: dir}.Load(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "extra/broken.rego:2")
}

func TestSubscribersHearOfEachSetOnceMerged(t *testing.T) {
	first, err := live.Loader{}.Load(t.Context())
	require.NoError(t, err)
	current := live.NewCurrent(first)
	changes := current.Subscribe()
	select {
	case <-changes:
		t.Fatal("a subscriber hears nothing before the next Set")
	default:
	}
	current.Set(first)
	current.Set(first)
	<-changes
	select {
	case <-changes:
		t.Fatal("two Sets while one was pending reach the subscriber once")
	default:
	}
}
