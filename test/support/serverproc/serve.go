package serverproc

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/tenantguard/tenantguard/test/support/cluster"
)

// Build builds tenantguard from the cluster's source tree into a new
// directory, with the server's kubeconfig beside it; the caller removes dir.
func Build(c *cluster.Cluster, prefix string) (bin, dir string, err error) {
	if dir, err = os.MkdirTemp("", prefix); err != nil {
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

// Serve says how to start `tenantguard serve`.
type Serve struct {
	// Bin and Dir are what Build returned; the config and log are written in Dir.
	Bin, Dir string
	// Name tells this server's files from another's in Dir.
	Name string
	// Config is the cluster config served.
	Config string
	// MemLimit is the server's GOMEMLIMIT; none when empty.
	MemLimit string
	// ContainerMemoryLimit is the container's memory limit in bytes, given
	// as the chart gives it (TENANTGUARD_MEMORY_LIMIT): serve sets Go's
	// memory limit to nine tenths of it unless MemLimit is set. None when 0.
	ContainerMemoryLimit int64
	// Profile serves pprof on a port of its own (ProfileURL).
	Profile bool
	// Args are added to the command line.
	Args []string
}

// Server is `tenantguard serve` running as a process at the address
// kube-apiserver calls, as tenantguard's service account.
type Server struct {
	Cmd *exec.Cmd
	// LogPath is the server's log.
	LogPath string
	// MetricsURL and ProfileURL are its metrics and pprof endpoints.
	MetricsURL, ProfileURL string
	// Started is when the process started.
	Started time.Time
}

// Start starts the server and waits until it is ready.
func Start(ctx context.Context, c *cluster.Cluster, s Serve) (*Server, error) {
	configPath := filepath.Join(s.Dir, s.Name+"-config.yaml")
	if err := os.WriteFile(configPath, []byte(s.Config), 0o600); err != nil {
		return nil, err
	}
	ports, err := FreePorts(3)
	if err != nil {
		return nil, err
	}
	host, port := c.WebhookAddress()
	srv := &Server{LogPath: filepath.Join(s.Dir, s.Name+"-server.log"), MetricsURL: fmt.Sprintf("http://127.0.0.1:%d/metrics", ports[0])}
	args := []string{"serve",
		"--kubeconfig", filepath.Join(s.Dir, "kubeconfig"), "--config", configPath,
		"--cert-dir", c.ServingCertDir(), "--host", host, "--port", strconv.Itoa(port),
		"--metrics-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[0]),
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[1]),
		"--leader-election-namespace", cluster.ServerNamespace, "--zap-log-level", "info"}
	if s.Profile {
		srv.ProfileURL = fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/", ports[2])
		args = append(args, "--profile-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[2]))
	}
	logFile, err := os.Create(srv.LogPath)
	if err != nil {
		return nil, err
	}
	srv.Cmd = exec.CommandContext(ctx, s.Bin, append(args, s.Args...)...)
	srv.Cmd.Env = os.Environ()
	if s.MemLimit != "" {
		srv.Cmd.Env = append(srv.Cmd.Env, "GOMEMLIMIT="+s.MemLimit)
	}
	if s.ContainerMemoryLimit > 0 {
		srv.Cmd.Env = append(srv.Cmd.Env, "TENANTGUARD_MEMORY_LIMIT="+strconv.FormatInt(s.ContainerMemoryLimit, 10))
	}
	srv.Cmd.Stdout, srv.Cmd.Stderr = logFile, logFile
	srv.Started = time.Now()
	if err := srv.Cmd.Start(); err != nil {
		return nil, err
	}
	if err := WaitReady(fmt.Sprintf("http://127.0.0.1:%d/readyz", ports[1]), 60*time.Second); err != nil {
		srv.Stop()
		return nil, fmt.Errorf("%w\nserver log:\n%s", err, srv.LogTail(20))
	}
	return srv, nil
}

// Stop interrupts the server and waits for it to exit, killing it after 15 s.
func (s *Server) Stop() {
	if s.Cmd.Process == nil || s.Cmd.ProcessState != nil {
		return
	}
	_ = s.Cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.Cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = s.Cmd.Process.Kill()
		<-done
	}
}

// LogTail is the last n lines of the server's log.
func (s *Server) LogTail(n int) string { return LogTail(s.LogPath, n) }
