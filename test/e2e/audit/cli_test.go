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

func TestTheAuditCommandReadsEveryPageOfACluster(t *testing.T) {
	ns := createNamespace(t)
	for range 3 {
		tenant := createTenant(t, "amd64")
		createApplication(t, ns, tenant)
		createApplication(t, ns, tenant)
	}
	config := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(config, []byte(baseConfig), 0o600))
	path := kubeconfig(t)
	judged := func(pageSize string) []string {
		out, stderr, code := runAudit(t, "--kubeconfig", path, "--config", config, "-o", "json", "--page-size", pageSize)
		require.Contains(t, []int{0, 1}, code, "stderr: %s", stderr)
		var report struct {
			Results []struct{ Kind, Namespace, Name string }
		}
		require.NoError(t, json.Unmarshal([]byte(out), &report))
		var names []string
		for _, r := range report.Results {
			names = append(names, r.Kind+" "+r.Namespace+"/"+r.Name)
		}
		return names
	}

	whole := judged("500")
	require.GreaterOrEqual(t, len(whole), 9, "three Tenants and six Applications at least")
	assert.Equal(t, whole, judged("1"), "a page of one object at a time judges every object, in the same order")
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

// An object the audit cannot judge (here: more sources than the audit's
// config allows, which admission would refuse as malformed) is an error in
// its place in the report, as eval reports a document it cannot judge; the
// others are still judged, and the command exits 2.
func TestTheAuditCommandReportsAnObjectItCannotJudgeInItsPlace(t *testing.T) {
	ns := createNamespace(t)
	tenant := createTenant(t, "amd64")
	app := createApplication(t, ns, tenant)
	source := app.Object["spec"].(map[string]any)["source"]
	spec := app.Object["spec"].(map[string]any)
	delete(spec, "source")
	spec["sources"] = []any{source, source}
	require.NoError(t, env.Client.Update(t.Context(), app))
	config := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(config, []byte(baseConfig+"limits: {maxSources: 1}\n"), 0o600))
	path := kubeconfig(t)

	out, stderr, code := runAudit(t, "--kubeconfig", path, "--config", config, "-o", "json")
	require.Equal(t, 2, code, "an object not judged exits 2; stderr: %s", stderr)
	var report struct {
		Results []struct {
			Kind, Namespace, Name string
			Error                 *struct{ Message string }
		}
		Summary struct{ Documents, Errors int }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	var failed []string
	for _, r := range report.Results {
		if r.Error != nil {
			failed = append(failed, r.Namespace+"/"+r.Name)
		}
	}
	assert.Contains(t, failed, ns+"/"+app.GetName())
	assert.Equal(t, len(failed), report.Summary.Errors)
	assert.Greater(t, report.Summary.Documents, report.Summary.Errors, "the other objects are judged")
	assert.Contains(t, stderr, "Application "+ns+"/"+app.GetName()+": spec.sources")

	out, _, code = runAudit(t, "--kubeconfig", path, "--config", config, "-o", "github")
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "::error file=cluster,title=Application "+app.GetName()+" not judged::Application "+ns+"/"+app.GetName()+": spec.sources")
}
