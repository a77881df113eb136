package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMakeRunDeletesATenantAndStopsCleanly runs this program as `make run`
// does and uses it as its how-to says: an incident's PolicyException holds a
// production Application on a commit; `kubectl delete tenant shop` returns
// within a minute, the stand-ins having released the Application and
// finalized the namespace in the supervisor's order; Ctrl-C (SIGINT) then
// stops it with exit code 0 and no error line.
func TestMakeRunDeletesATenantAndStopsCleanly(t *testing.T) {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		t.Skip("SKIPPED: KUBEBUILDER_ASSETS is not set; `make test` builds kube-apiserver and etcd and sets it")
	}
	dir := t.TempDir()
	bin, kubeconfig, out := filepath.Join(dir, "devcluster"), filepath.Join(dir, "kubeconfig"), filepath.Join(dir, "output")
	build := exec.Command("go", "build", "-o", bin, ".")
	built, err := build.CombinedOutput()
	require.NoError(t, err, "%s", built)

	run := startDevcluster(t, bin, kubeconfig, out)
	waitForOutput(t, out, "Press Ctrl-C", 3*time.Minute)
	t.Run("an incident's exception, as the how-to shows it", func(t *testing.T) {
		holdBlogOnACommit(t, kubectlAt(assets, kubeconfig))
	})

	start := time.Now()
	kubectl := exec.Command(filepath.Join(assets, "kubectl"), "--kubeconfig", kubeconfig, "delete", "tenant", "shop", "--timeout=60s")
	deleted, err := kubectl.CombinedOutput()
	require.NoError(t, err, "kubectl delete tenant shop: %s", deleted)
	assert.Less(t, time.Since(start), time.Minute, "kubectl delete tenant shop returns within a minute")
	released := waitForOutput(t, out, "namespace controller (stand-in) emptied Namespace tenant-shop", 30*time.Second)
	assert.Less(t, strings.Index(released, "Argo CD (stand-in) released Application argocd/tenant-shop"),
		strings.Index(released, "namespace controller (stand-in) emptied Namespace tenant-shop"),
		"the Application goes before the namespace")

	require.NoError(t, run.Process.Signal(syscall.SIGINT))
	require.True(t, waitForExit(run, time.Minute), "devcluster stops within a minute of SIGINT")
	output := readFile(t, out)
	assert.Equal(t, 0, run.ProcessState.ExitCode(), "exit code; output:\n%s", output)
	assert.NotContains(t, output, `"level":"error"`)
	assert.NotContains(t, output, "devcluster:", "no failure reported")
}

// startDevcluster starts the program with its output in the file out, and
// kills it if the test ends with it still running.
func startDevcluster(t *testing.T, bin, kubeconfig, out string) *exec.Cmd {
	t.Helper()
	f, err := os.Create(out)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	cmd := exec.Command(bin, "--write-kubeconfig", kubeconfig)
	cmd.Stdout, cmd.Stderr = f, f
	require.NoError(t, cmd.Start())
	// Killed, it would leave its kube-apiserver and etcd running: interrupt it.
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Signal(syscall.SIGINT)
			waitForExit(cmd, time.Minute)
		}
	})
	return cmd
}

// waitForExit waits until cmd has exited, killing it after limit; it
// reports whether cmd exited by itself.
func waitForExit(cmd *exec.Cmd, limit time.Duration) bool {
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case <-exited:
		return true
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-exited
		return false
	}
}

// waitForOutput waits until the file out holds want, and returns what it holds.
func waitForOutput(t *testing.T, out, want string, limit time.Duration) string {
	t.Helper()
	for deadline := time.Now().Add(limit); ; time.Sleep(200 * time.Millisecond) {
		output := readFile(t, out)
		if strings.Contains(output, want) {
			return output
		}
		if time.Now().After(deadline) {
			t.Fatalf("devcluster did not print %q within %s; output:\n%s", want, limit, output)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}
