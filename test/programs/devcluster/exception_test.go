package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/test/support/cluster"
)

// kubectl runs kubectl against the local cluster with stdin, returning what
// it printed on both streams and whether it succeeded.
type kubectl func(stdin string, args ...string) (string, error)

func kubectlAt(assets, kubeconfig string) kubectl {
	return func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(filepath.Join(assets, "kubectl"), append([]string{"--kubeconfig", kubeconfig}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
}

// Impersonated users: the approver the devcluster's config names, and an
// administrator who is not one; both may write anything as far as RBAC goes.
var (
	approver    = []string{"--as", "lead@example.com", "--as-group", "system:masters"}
	nonApprover = []string{"--as", "dev@example.com", "--as-group", "system:masters"}
)

const pin = `{"spec":{"source":{"targetRevision":"3f1c9a07"}}}`

// holdBlogOnACommit follows the how-to's incident: the approver holds the
// production Application of the Tenant blog on a commit for an hour; the
// same pin on another Application is refused, and so are a non-approver's
// exception and one without expiry. The supervisor keeps the held pin.
func holdBlogOnACommit(t *testing.T, run kubectl) {
	out, err := run(`{"apiVersion":"tenantguard.io/v1alpha1","kind":"Tenant","metadata":{"name":"blog"},"spec":{"environment":"production"}}`,
		"apply", "-f", "-")
	require.NoError(t, err, out)
	require.Eventually(t, func() bool {
		_, err := run("", "-n", "argocd", "get", "application", "tenant-blog")
		return err == nil
	}, time.Minute, 200*time.Millisecond, "the supervisor makes blog's Application")

	sample, err := os.ReadFile(filepath.Join(cluster.RepoRoot(), "config", "samples", "policyexception-hold-blog.yaml"))
	require.NoError(t, err)
	// The sample's comment names EXPIRES too: only the field's is replaced.
	inAnHour := strings.Replace(string(sample), `expires: "EXPIRES"`,
		`expires: "`+time.Now().UTC().Add(time.Hour).Format(time.RFC3339)+`"`, 1)

	out, err = run(inAnHour, append(nonApprover, "apply", "-f", "-")...)
	require.Error(t, err, "a non-approver's exception is refused: %s", out)
	assert.Contains(t, out, "[exception-approver]")
	out, err = run(withoutExpiry(string(sample)), append(approver, "apply", "-f", "-")...)
	require.Error(t, err, "an exception without expiry is refused: %s", out)
	assert.Contains(t, out, "[exception-expiry]")

	out, err = run(inAnHour, append(approver, "apply", "-f", "-")...)
	require.NoError(t, err, out)
	out, err = run("", "get", "policyexception", "inc-4211-hold-blog", "-o", "jsonpath={.spec.approvedBy}")
	require.NoError(t, err, out)
	assert.Equal(t, "lead@example.com", out, "the approver is recorded from the request")

	out, err = run("", "-n", "argocd", "patch", "application", "tenant-blog", "--type", "merge", "-p", pin)
	require.NoError(t, err, "the pin the exception waives is admitted: %s", out)
	assert.Contains(t, out, "Warning: [app-pinned-revision]")
	assert.Contains(t, out, "(waived by PolicyException inc-4211-hold-blog until ")
	out, err = run("", "-n", "argocd", "patch", "application", "shop-staging", "--type", "merge", "-p", pin)
	require.Error(t, err, "the same pin on another Application is refused: %s", out)
	assert.Contains(t, out, "[app-pinned-revision]")
	assert.NotContains(t, out, "waived")

	supervisorKeepsThePin(t, run)
}

// supervisorKeepsThePin removes an annotation the supervisor writes on
// blog's Application and waits until it is back: the supervisor has then
// reconciled the Application, and the waived pin must still be there.
func supervisorKeepsThePin(t *testing.T, run kubectl) {
	const subscription = "notifications.argoproj.io/subscribe.on-sync-succeeded.slack"
	out, err := run("", "-n", "argocd", "annotate", "application", "tenant-blog", subscription+"-")
	require.NoError(t, err, out)
	require.Eventually(t, func() bool {
		out, _ := run("", "-n", "argocd", "get", "application", "tenant-blog", "-o", "jsonpath={.metadata.annotations}")
		return strings.Contains(out, subscription)
	}, 30*time.Second, 200*time.Millisecond, "the supervisor puts its annotation back")
	out, err = run("", "-n", "argocd", "get", "application", "tenant-blog", "-o", "jsonpath={.spec.source.targetRevision}")
	require.NoError(t, err, out)
	assert.Equal(t, "3f1c9a07", out, "the supervisor keeps the pin the exception waives")
}

// withoutExpiry is the sample with its expires line left out.
func withoutExpiry(sample string) string {
	var kept []string
	for _, line := range strings.Split(sample, "\n") {
		if !strings.Contains(line, "expires:") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}
