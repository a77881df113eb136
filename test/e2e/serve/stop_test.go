package serve

import (
	"context"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tenantguard/tenantguard/cmd/tenantguard/app"
	"github.com/tenantguard/tenantguard/test/support/cluster"
	"github.com/tenantguard/tenantguard/test/support/serverproc"
)

// config is the cluster config served: the supervisor has a repository, as
// in a real installation.
const config = `
allowedRepos: [https://git.example.com/platform/tenants.git]
supervisor:
  repoURL: https://git.example.com/platform/tenants.git
`

func TestServeStoppedByASignalExitsZeroWithoutAnError(t *testing.T) {
	for name, sig := range map[string]os.Signal{
		"SIGTERM, as the kubelet stops a pod": syscall.SIGTERM,
		"SIGINT, as Ctrl-C does":              os.Interrupt,
	} {
		t.Run(name, func(t *testing.T) {
			srv := startServe(t)
			waitUntilLeading(t, srv)

			require.NoError(t, srv.Cmd.Process.Signal(sig))
			code := waitForExit(t, srv)
			log := readLog(t, srv)
			assert.Equal(t, 0, code, "exit code; log:\n%s", log)
			assert.Empty(t, errorLines(log), "no error-level line")
			assert.Empty(t, lease(t).Spec.HolderIdentity, "the Lease is released for the next replica")
		})
	}
}

func TestServeThatLosesItsLeaseWhileServingExitsWithAnError(t *testing.T) {
	srv := startServe(t)
	waitUntilLeading(t, srv)
	t.Cleanup(func() { require.NoError(t, client.IgnoreNotFound(env.Client.Delete(context.Background(), lease(t)))) })

	// Another replica holds the Lease now, as after this one failed to renew
	// it in time: this one must stop leading, and say so.
	takeLease(t, "another-replica")
	code := waitForExit(t, srv)
	log := readLog(t, srv)
	assert.Equal(t, 1, code, "exit code; log:\n%s", log)
	assert.Contains(t, strings.Join(errorLines(log), "\n"), "leader election lost")
}

// startServe starts `tenantguard serve` with the supervisor, elected by the
// Lease, and stops it when the test ends if it is still running.
func startServe(t *testing.T) *serverproc.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := serverproc.Start(ctx, env, serverproc.Serve{Bin: bin, Dir: dir, Name: strings.ReplaceAll(t.Name(), "/", "-"), Config: config})
	require.NoError(t, err)
	t.Cleanup(func() {
		srv.Stop()
		cancel()
	})
	return srv
}

// waitUntilLeading waits until srv holds the Lease and its supervisor runs:
// only the leader has a Lease to release when it stops.
func waitUntilLeading(t *testing.T, srv *serverproc.Server) {
	t.Helper()
	require.Eventually(t, func() bool {
		var l coordinationv1.Lease
		err := env.Client.Get(context.Background(), leaseKey, &l)
		return err == nil && ptr.Deref(l.Spec.HolderIdentity, "") != "" && l.Spec.RenewTime != nil && l.Spec.RenewTime.After(srv.Started) &&
			supervising.MatchString(readLog(t, srv))
	}, 30*time.Second, 100*time.Millisecond, "tenantguard serve leads and supervises; log:\n%s", srv.LogTail(20))
}

// supervising is the line controller-runtime logs once the supervisor's
// caches are synced and its workers run.
var supervising = regexp.MustCompile(`"msg":"Starting workers","controller":"tenant"`)

var leaseKey = client.ObjectKey{Namespace: cluster.ServerNamespace, Name: app.LeaseName}

func lease(t *testing.T) *coordinationv1.Lease {
	t.Helper()
	var l coordinationv1.Lease
	require.NoError(t, env.Client.Get(context.Background(), leaseKey, &l))
	return &l
}

// takeLease writes the Lease as held by holder for an hour.
func takeLease(t *testing.T, holder string) {
	t.Helper()
	require.NoError(t, retry.RetryOnConflict(retry.DefaultRetry, func() error {
		l := lease(t)
		now := metav1.NewMicroTime(time.Now())
		l.Spec.HolderIdentity, l.Spec.LeaseDurationSeconds = ptr.To(holder), ptr.To[int32](3600)
		l.Spec.AcquireTime, l.Spec.RenewTime = &now, &now
		return env.Client.Update(context.Background(), l)
	}))
}

// waitForExit waits up to a minute for srv to exit and returns its exit code.
func waitForExit(t *testing.T, srv *serverproc.Server) int {
	t.Helper()
	exited := make(chan struct{})
	go func() {
		_ = srv.Cmd.Wait()
		close(exited)
	}()
	select {
	case <-exited:
		return srv.Cmd.ProcessState.ExitCode()
	case <-time.After(time.Minute):
		_ = srv.Cmd.Process.Kill()
		<-exited
		require.FailNow(t, "tenantguard serve did not exit within a minute", srv.LogTail(20))
		return -1
	}
}

func readLog(t *testing.T, srv *serverproc.Server) string {
	t.Helper()
	data, err := os.ReadFile(srv.LogPath)
	require.NoError(t, err)
	return string(data)
}

// klogError is an error line of client-go's own log format.
var klogError = regexp.MustCompile(`^E\d{4} `)

// errorLines are the lines of log at error level: serve's JSON lines and any
// client-go writes in its own format.
func errorLines(log string) []string {
	var lines []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, `"level":"error"`) || klogError.MatchString(line) {
			lines = append(lines, line)
		}
	}
	return lines
}
