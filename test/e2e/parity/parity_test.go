// Package parity checks that the three runners of the policies agree: conftest
// and tenantguard eval give the same verdicts on the same rendered manifests.
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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/eval"
	"github.com/tenantguard/tenantguard/manifests"
	"github.com/tenantguard/tenantguard/policies"
)

const root = "../../.."

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
	for _, file := range append(files, dirs...) {
		t.Run(strings.TrimPrefix(file, filepath.Join(root, "test", "testdata", "manifests")+"/"), func(t *testing.T) {
			want := conftestVerdicts(t, conftest, file)
			got := evalVerdicts(t, file)
			assert.Equal(t, want, got)
			if strings.Contains(file, "violations") {
				assert.NotEmpty(t, got, "the manifests under violations/ must break a rule")
			}
		})
	}
}

func conftestVerdicts(t *testing.T, conftest, file string) []verdict {
	rel, err := filepath.Rel(root, file)
	require.NoError(t, err)
	cmd := exec.Command(conftest, "test", "--combine", "--no-fail", "-o", "json", "--policy", "policies", rel)
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
	tenants, err := inputs.Tenants()
	require.NoError(t, err)
	engine, err := policy.NewWithConfig(ctx, policies.FS, clusterconfig.Default())
	require.NoError(t, err)
	p := &pipeline.Pipeline{Config: clusterconfig.Default(), Engine: engine, Tenants: tenantlookup.NewIndex(tenants, clusterconfig.Default())}
	results, err := eval.EvaluateInputs(ctx, p, inputs)
	require.NoError(t, err)
	var verdicts []verdict
	for _, r := range results {
		for _, f := range r.Findings {
			if f.Enforcement != policy.DryRun {
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
