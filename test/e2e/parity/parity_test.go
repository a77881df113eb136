// Package parity checks that the three runners of the policies agree: conftest
// and tenantguard eval give the same verdicts on the same rendered manifests,
// PolicyExceptions among them judged at the same instant.
package parity

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/eval"
	"github.com/tenantguard/tenantguard/manifests"
	"github.com/tenantguard/tenantguard/policies"
)

const root = "../../.."

// now is the instant both runners judge PolicyExceptions at: conftest
// through data.tenantguard.now, eval through its clock.
var now = time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC)

// verdict is one finding as both runners print it.
type verdict struct {
	File, Level, Message string
}

func TestConftestAndEvalAgree(t *testing.T) {
	conftest := os.Getenv("TENANTGUARD_CONFTEST")
	if conftest == "" {
		t.Skip("TENANTGUARD_CONFTEST names the conftest binary; `make test` sets it")
	}
	// Each file alone, and each directory as a whole (Tenants in one file give
	// context to Applications in another).
	files, err := filepath.Glob(filepath.Join(root, "test", "testdata", "manifests", "*", "*.yaml"))
	require.NoError(t, err)
	dirs, err := filepath.Glob(filepath.Join(root, "test", "testdata", "manifests", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	data := writeNow(t)
	for _, file := range append(files, dirs...) {
		t.Run(strings.TrimPrefix(file, filepath.Join(root, "test", "testdata", "manifests")+"/"), func(t *testing.T) {
			want := conftestVerdicts(t, conftest, data, file)
			got := evalVerdicts(t, file)
			assert.Equal(t, want, got)
			if strings.Contains(file, "violations") {
				assert.NotEmpty(t, got, "the manifests under violations/ must break a rule")
			}
		})
	}
}

// The exceptions directory holds an exception in force, one expired a
// second before now and one for an Application that is not there: both
// runners waive the one finding, and only it.
func TestConftestAndEvalWaiveTheSameFinding(t *testing.T) {
	conftest := os.Getenv("TENANTGUARD_CONFTEST")
	if conftest == "" {
		t.Skip("TENANTGUARD_CONFTEST names the conftest binary; `make test` sets it")
	}
	dir := filepath.Join(root, "test", "testdata", "manifests", "exceptions")
	got := evalVerdicts(t, dir)
	assert.Equal(t, conftestVerdicts(t, conftest, writeNow(t), dir), got)
	var waived, pinned []string
	for _, v := range got {
		switch {
		case strings.HasSuffix(v.Message, "(waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)"):
			waived = append(waived, v.Message)
		case strings.HasPrefix(v.Message, "[app-pinned-revision] "):
			pinned = append(pinned, v.Message)
		}
	}
	require.Len(t, waived, 1, "%v", got)
	assert.True(t, strings.HasPrefix(waived[0], "[app-pinned-revision] Application argocd/shop: "))
	require.Len(t, pinned, 1, "%v", got)
	assert.True(t, strings.HasPrefix(pinned[0], "[app-pinned-revision] Application argocd/cart: "),
		"the exception that expired a second ago waives nothing")
}

// writeNow writes the --data file that sets conftest's clock to now.
func writeNow(t *testing.T) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "now.yaml")
	require.NoError(t, os.WriteFile(data, []byte("tenantguard:\n  now: \""+now.Format(time.RFC3339)+"\"\n"), 0o600))
	return data
}

func conftestVerdicts(t *testing.T, conftest, data, file string) []verdict {
	rel, err := filepath.Rel(root, file)
	require.NoError(t, err)
	cmd := exec.Command(conftest, "test", "--combine", "--no-fail", "-o", "json", "--policy", "policies", "--data", data, rel)
	cmd.Dir = root
	out, err := cmd.Output()
	require.NoError(t, err, "conftest: %s", out)
	return conftestJSONVerdicts(t, filepath.Base(file), out)
}

// conftestJSONVerdicts reads conftest's -o json report: its failures and
// warnings, as findings on file, sorted.
func conftestJSONVerdicts(t *testing.T, file string, out []byte) []verdict {
	var results []struct {
		Failures, Warnings []struct{ Msg string }
	}
	require.NoError(t, json.Unmarshal(out, &results))
	var verdicts []verdict
	for _, r := range results {
		for _, f := range r.Failures {
			verdicts = append(verdicts, verdict{file, "deny", f.Msg})
		}
		for _, w := range r.Warnings {
			verdicts = append(verdicts, verdict{file, "warn", w.Msg})
		}
	}
	return sorted(verdicts)
}

func evalVerdicts(t *testing.T, file string) []verdict {
	ctx := context.Background()
	inputs, err := manifests.Open([]string{file}, nil)
	require.NoError(t, err)
	defer inputs.Close()
	engine, err := policy.NewWithConfig(ctx, policies.FS, clusterconfig.Default())
	require.NoError(t, err)
	p := pipeline.Pipeline{Config: clusterconfig.Default(), Engine: engine}
	judging := eval.WithContext(p, inputs, eval.Options{Clock: clocktesting.NewFakePassiveClock(now)})
	results, err := eval.EvaluateInputs(ctx, judging, inputs)
	require.NoError(t, err)
	var verdicts []verdict
	for _, r := range results {
		for _, f := range r.Findings {
			switch {
			case f.WaivedBy != nil: // conftest warns of every waived finding, as the webhook does
				verdicts = append(verdicts, verdict{filepath.Base(file), string(policy.Warn), f.String()})
			case f.Enforcement != policy.DryRun:
				verdicts = append(verdicts, verdict{filepath.Base(file), string(f.Enforcement), f.String()})
			}
		}
	}
	return sorted(verdicts)
}

func sorted(v []verdict) []verdict {
	sort.Slice(v, func(i, j int) bool { return v[i].Message < v[j].Message })
	return v
}
