package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/tenantguard/tenantguard/test/cluster"
	"github.com/tenantguard/tenantguard/test/serverproc"
)

// repoURL is the repository of every Application.
const repoURL = "https://git.example.com/platform/tenants.git"

// admitConfig allows the Applications' repository: they are admitted clean.
// auditConfig allows another one only: each Application breaks app-repo-allowed.
const (
	admitConfig = "allowedRepos: [" + repoURL + "]\n"
	auditConfig = "allowedRepos: [https://git.example.com/platform/elsewhere.git]\n"
)

// serverProc is `tenantguard serve` running as a process.
type serverProc struct {
	cmd     *exec.Cmd
	logPath string
	started time.Time
}

// build builds tenantguard and writes the server's kubeconfig into a new directory.
func build(c *cluster.Cluster) (bin, dir string, err error) {
	if dir, err = os.MkdirTemp("", "tenantguard-perf-audit-"); err != nil {
		return "", "", err
	}
	bin = filepath.Join(dir, "tenantguard")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/tenantguard")
	cmd.Dir = c.Root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", dir, fmt.Errorf("building tenantguard: %w\n%s", err, out)
	}
	kubeconfig, err := c.ServerKubeConfig()
	if err != nil {
		return "", dir, err
	}
	return bin, dir, os.WriteFile(filepath.Join(dir, "kubeconfig"), kubeconfig, 0o600)
}

// startServer starts `tenantguard serve` with config and extra args at the
// address kube-apiserver calls, and waits until it is ready.
func startServer(ctx context.Context, c *cluster.Cluster, bin, dir, config string, s settings, args ...string) (*serverProc, error) {
	configPath := filepath.Join(dir, "config-"+strconv.Itoa(len(config))+".yaml")
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		return nil, err
	}
	ports, err := serverproc.FreePorts(2)
	if err != nil {
		return nil, err
	}
	host, port := c.WebhookAddress()
	p := &serverProc{logPath: filepath.Join(dir, fmt.Sprintf("server-%d.log", ports[0]))}
	logFile, err := os.Create(p.logPath)
	if err != nil {
		return nil, err
	}
	p.cmd = exec.CommandContext(ctx, bin, append([]string{"serve",
		"--kubeconfig", filepath.Join(dir, "kubeconfig"), "--config", configPath,
		"--cert-dir", c.ServingCertDir(), "--host", host, "--port", strconv.Itoa(port),
		"--metrics-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[0]),
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[1]),
		"--leader-election-namespace", cluster.ServerNamespace, "--zap-log-level", "info"}, args...)...)
	p.cmd.Env = append(os.Environ(), "GOMEMLIMIT="+s.memLimit)
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	if err := serverproc.WaitReady(fmt.Sprintf("http://127.0.0.1:%d/readyz", ports[1]), 60*time.Second); err != nil {
		p.stop()
		return nil, fmt.Errorf("%w\nserver log:\n%s", err, p.logTail(20))
	}
	return p, nil
}

// stop interrupts the server and waits for it to exit.
func (p *serverProc) stop() {
	if p.cmd.Process == nil || p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// auditLine is the server's log line of a completed audit.
type auditLine struct {
	applications, tenants, findings int
	duration, judging               time.Duration
}

// waitForAudit reads the server's log until an audit of at least apps
// Applications is logged.
func (p *serverProc) waitForAudit(apps int, limit time.Duration) (auditLine, error) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if line, ok := p.auditLogged(apps); ok {
			return line, nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return auditLine{}, fmt.Errorf("no audit of %d Applications logged within %s\nserver log:\n%s", apps, limit, p.logTail(20))
}

func (p *serverProc) auditLogged(apps int) (auditLine, bool) {
	f, err := os.Open(p.logPath)
	if err != nil {
		return auditLine{}, false
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		var entry struct {
			Msg                             string
			Applications, Tenants, Findings int
			Duration, Judging               string
		}
		if json.Unmarshal(scanner.Bytes(), &entry) != nil || entry.Msg != "audited" || entry.Applications < apps {
			continue
		}
		d, err := time.ParseDuration(entry.Duration)
		j, jerr := time.ParseDuration(entry.Judging)
		if err != nil || jerr != nil {
			continue
		}
		return auditLine{entry.Applications, entry.Tenants, entry.Findings, d, j}, true
	}
	return auditLine{}, false
}

// logTail is the last n lines of the server's log.
func (p *serverProc) logTail(n int) string { return serverproc.LogTail(p.logPath, n) }
