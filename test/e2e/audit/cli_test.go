package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// binary builds tenantguard once for the tests that run it.
var binary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "tenantguard-audit-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "tenantguard")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/tenantguard")
	cmd.Dir = env.Root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.Join(err, errors.New(string(out)))
	}
	return bin, nil
})

// runAudit runs `tenantguard audit` with args and returns its output and exit code.
func runAudit(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	bin, err := binary()
	require.NoError(t, err)
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, append([]string{"audit"}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), errOut.String(), exit.ExitCode()
	}
	require.NoError(t, err)
	return out.String(), errOut.String(), 0
}

// kubeconfig writes an administrator's kubeconfig and returns its path.
func kubeconfig(t *testing.T) string {
	t.Helper()
	data, err := env.KubeConfig()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

func TestTheAuditCommandReportsALiveClustersFindingsLikeEval(t *testing.T) {
	ns := createNamespace(t)
	tenant := createTenant(t, "amd64")
	app := createApplication(t, ns, tenant)
	config := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(config, []byte(baseConfig), 0o600))
	path := kubeconfig(t)

	setArch(t, tenant, "arm64")
	out, stderr, code := runAudit(t, "--kubeconfig", path, "--config", config, "-o", "json")
	require.Equal(t, 1, code, "a violation exits 1, as eval does; stderr: %s", stderr)
	var report struct {
		Results []struct {
			Kind, Namespace, Name string
			Findings              []struct{ Rule, Enforcement string }
		}
		Summary struct{ Documents, Violations int }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	var rules []string
	for _, r := range report.Results {
		if r.Namespace == ns && r.Name == app.GetName() {
			for _, f := range r.Findings {
				rules = append(rules, f.Rule+"/"+f.Enforcement)
			}
		}
	}
	assert.Equal(t, []string{"app-arch-mismatch/deny"}, rules)
	assert.GreaterOrEqual(t, report.Summary.Violations, 1)

	out, _, _ = runAudit(t, "--kubeconfig", path, "--config", config)
	assert.Contains(t, out, "[app-arch-mismatch] Application "+ns+"/"+app.GetName()+":", "the text report names the finding as kubectl shows it")

	setArch(t, tenant, "amd64")
	out, _, _ = runAudit(t, "--kubeconfig", path, "--config", config)
	assert.NotContains(t, out, "Application "+ns+"/"+app.GetName()+":", "the text report no longer names the fixed Application")
	assert.Contains(t, out, "documents,", "the text report ends with eval's summary")
}

func TestTheAuditCommandRefusesBadUsageWithExit2(t *testing.T) {
	for name, args := range map[string][]string{
		"an unknown format":    {"-o", "yaml"},
		"a file argument":      {"manifests/"},
		"a missing kubeconfig": {"--kubeconfig", filepath.Join(t.TempDir(), "missing")},
		"a non-positive page":  {"--page-size", "0"},
	} {
		t.Run(name, func(t *testing.T) {
			_, stderr, code := runAudit(t, args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr, "tenantguard audit")
		})
	}
}
