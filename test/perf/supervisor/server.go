package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/tenantguard/tenantguard/test/cluster"
	"github.com/tenantguard/tenantguard/test/serverproc"
)

// serverConfig is the cluster config served: the platform repository, the
// only one allowed, and a quota in production namespaces.
const serverConfig = `
allowedRepos: [https://git.example.com/platform/tenants.git]
supervisor:
  repoURL: https://git.example.com/platform/tenants.git
  notifications:
    production:
      - {trigger: on-sync-succeeded, service: slack, recipients: deploys}
  namespaceResources:
    production:
      resourceQuota: {hard: {pods: "50"}}
`

// serverProc is `tenantguard serve` running as a process.
type serverProc struct {
	cmd        *exec.Cmd
	dir        string
	logPath    string
	metricsURL string
	profileURL string
}

// startServer builds tenantguard and starts `tenantguard serve` at the
// address kube-apiserver calls, as tenantguard's service account, and waits
// until it is ready.
func startServer(ctx context.Context, c *cluster.Cluster, s settings) (*serverProc, error) {
	dir, err := os.MkdirTemp("", "tenantguard-perf-supervisor-")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "tenantguard")
	build := exec.Command("go", "build", "-o", bin, "./cmd/tenantguard")
	build.Dir = c.Root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building tenantguard: %w\n%s", err, out)
	}
	kubeconfig, err := c.ServerKubeConfig()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{"kubeconfig": kubeconfig, "config.yaml": []byte(serverConfig)}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return nil, err
		}
	}
	ports, err := serverproc.FreePorts(3)
	if err != nil {
		return nil, err
	}
	host, port := c.WebhookAddress()
	p := &serverProc{dir: dir, logPath: filepath.Join(dir, "server.log"), metricsURL: fmt.Sprintf("http://127.0.0.1:%d/metrics", ports[0]),
		profileURL: fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/", ports[2])}
	logFile, err := os.Create(p.logPath)
	if err != nil {
		return nil, err
	}
	p.cmd = exec.CommandContext(ctx, bin, "serve",
		"--kubeconfig", filepath.Join(dir, "kubeconfig"), "--config", filepath.Join(dir, "config.yaml"),
		"--cert-dir", c.ServingCertDir(), "--host", host, "--port", strconv.Itoa(port),
		"--metrics-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[0]),
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[1]),
		"--profile-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[2]),
		"--leader-election-namespace", cluster.ServerNamespace,
		"--supervisor-workers", strconv.Itoa(s.workers), "--zap-log-level", "info")
	p.cmd.Env = append(os.Environ(), "GOMEMLIMIT="+s.memLimit)
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	if err := serverproc.WaitReady(fmt.Sprintf("http://127.0.0.1:%d/readyz", ports[1]), 60*time.Second); err != nil {
		p.stop(s.logPath)
		return nil, fmt.Errorf("%w\nserver log:\n%s", err, p.logTail(20))
	}
	return p, nil
}

// stop stops the server and removes its files, keeping its log at keepLog when set.
func (p *serverProc) stop(keepLog string) {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
		}
	}
	if keepLog != "" {
		if data, err := os.ReadFile(p.logPath); err == nil {
			_ = os.WriteFile(keepLog, data, 0o600)
		}
	}
	_ = os.RemoveAll(p.dir)
}

// logTail is the last n lines of the server's log.
func (p *serverProc) logTail(n int) string { return serverproc.LogTail(p.logPath, n) }

// scrape reads the server's metrics in the Prometheus text format.
func scrape(url string) (string, error) {
	resp, err := http.Get(url) //nolint:gosec // a loopback address of our own
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// saveHeapProfile writes the server's heap profile, taken after a garbage
// collection, to path.
func (p *serverProc) saveHeapProfile(path string) error {
	resp, err := http.Get(p.profileURL + "heap?gc=1")
	if err != nil {
		return fmt.Errorf("reading the heap profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reading the heap profile: %s", resp.Status)
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
