// Package gitrepo builds real git repositories for tests with the git
// command line, laid out like the platform repository tenantguard guards:
// staging/<chart> and production/<chart>, each with values-images.yaml.
package gitrepo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Repo is a git repository in a test's temporary directory.
type Repo struct {
	// Dir is the repository's work tree.
	Dir string
	t   testing.TB
}

// New makes an empty repository whose first branch is main. It skips the
// test when git is not installed.
func New(t testing.TB) *Repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &Repo{Dir: t.TempDir(), t: t}
	r.Git("init", "--quiet", "--initial-branch=main")
	r.Git("config", "user.name", "Test")
	r.Git("config", "user.email", "test@example.com")
	r.Git("config", "commit.gpgsign", "false")
	return r
}

// Git runs git in the repository and returns its trimmed output.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	out, err := cmd.CombinedOutput()
	require.NoError(r.t, err, "git %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

// Write writes a file, making its directories.
func (r *Repo) Write(path, content string) {
	r.t.Helper()
	full := filepath.Join(r.Dir, path)
	require.NoError(r.t, os.MkdirAll(filepath.Dir(full), 0o755))
	require.NoError(r.t, os.WriteFile(full, []byte(content), 0o644))
}

// Read reads a file of the work tree.
func (r *Repo) Read(path string) string {
	r.t.Helper()
	data, err := os.ReadFile(filepath.Join(r.Dir, path))
	require.NoError(r.t, err)
	return string(data)
}

// Copy copies a file of the work tree to another path, as a promotion does.
func (r *Repo) Copy(from, to string) {
	r.t.Helper()
	r.Write(to, r.Read(from))
}

// Symlink replaces path with a symbolic link to target.
func (r *Repo) Symlink(path, target string) {
	r.t.Helper()
	full := filepath.Join(r.Dir, path)
	require.NoError(r.t, os.MkdirAll(filepath.Dir(full), 0o755))
	_ = os.Remove(full)
	require.NoError(r.t, os.Symlink(target, full))
}

// Commit stages everything and commits it, returning the commit id.
func (r *Repo) Commit(message string) string {
	r.t.Helper()
	r.Git("add", "--all")
	r.Git("commit", "--quiet", "--allow-empty", "-m", message)
	return r.Git("rev-parse", "HEAD")
}

// Chart writes a chart directory of an environment: Chart.yaml, a template,
// values.yaml and values-images.yaml with the given image tag.
func (r *Repo) Chart(env, chart, imageTag string) {
	r.t.Helper()
	dir := env + "/" + chart + "/"
	r.Write(dir+"Chart.yaml", "apiVersion: v2\nname: "+chart+"\nversion: 0.1.0\n")
	r.Write(dir+"templates/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Chart.Name }}\n")
	r.Write(dir+"values.yaml", "replicas: 2\nresources:\n  cpu: 100m\n")
	r.Write(dir+"values-images.yaml", "# written by the release automation\nimageTag: "+imageTag+"\n")
}

// Seed makes the platform repository as it stands when a release has reached
// staging and waits for promotion: on main, staging/shop and production/shop,
// the same chart, staging running image tag newTag and production oldTag.
func Seed(t testing.TB, oldTag, newTag string) *Repo {
	t.Helper()
	r := New(t)
	r.Chart("staging", "shop", oldTag)
	r.Chart("production", "shop", oldTag)
	r.Write("README.md", "platform\n")
	r.Commit("platform: staging and production run " + oldTag)
	r.Write("staging/shop/values-images.yaml", "# written by the release automation\nimageTag: "+newTag+"\n")
	r.Commit("[Automated] update staging directory values files to " + newTag)
	return r
}
