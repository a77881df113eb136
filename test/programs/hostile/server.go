package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// hardeningFlags are the flags of `tenantguard serve` that bound what
// clients can hold. The program passes none of them, so that the server runs
// with the defaults the chart relies on, but it reports which exist and what
// they default to, since the run means little without them.
var hardeningFlags = []string{"max-connections", "read-header-timeout", "read-timeout", "write-timeout", "idle-timeout", "max-header-bytes", "max-in-flight-bytes"}

// buildServer builds ./cmd/tenantguard into dir, so that the server under
// attack is a process of its own: its memory is measured alone, and a crash
// or an out-of-memory kill shows as an exit rather than taking this program
// down with it.
func buildServer(root, dir string) (string, error) {
	bin := filepath.Join(dir, "tenantguard")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/tenantguard")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/tenantguard: %w\n%s", err, out)
	}
	return bin, nil
}

// flagDefault matches a flag's line in the flag package's usage output and
// the "(default ...)" note at the end of its description.
var (
	flagLine    = regexp.MustCompile(`^\s+-([a-z0-9-]+)`)
	flagDefault = regexp.MustCompile(`\(default:? ([^)]*)\)\s*$`)
)

// serveFlags returns the flags `tenantguard serve -h` lists, each with its
// default as printed ("" when the usage shows none).
func serveFlags(bin string) (map[string]string, error) {
	out, _ := exec.Command(bin, "serve", "-h").CombinedOutput() // -h exits 2 by design
	flags := map[string]string{}
	name := ""
	for _, line := range strings.Split(string(out), "\n") {
		if m := flagLine.FindStringSubmatch(line); m != nil {
			name = m[1]
			flags[name] = ""
		}
		if m := flagDefault.FindStringSubmatch(line); m != nil && name != "" {
			flags[name] = m[1]
		}
	}
	if len(flags) == 0 {
		return nil, fmt.Errorf("%s serve -h listed no flags:\n%s", bin, out)
	}
	return flags, nil
}

// describeFlags is one line per hardening flag: its default, or that the
// server does not have it.
func describeFlags(flags map[string]string) []string {
	var lines []string
	for _, name := range hardeningFlags {
		def, ok := flags[name]
		switch {
		case !ok:
			lines = append(lines, fmt.Sprintf("--%s: MISSING from tenantguard serve", name))
		case def == "":
			lines = append(lines, fmt.Sprintf("--%s: present, no default shown", name))
		default:
			lines = append(lines, fmt.Sprintf("--%s: default %s", name, def))
		}
	}
	return lines
}

// serverProc is one `tenantguard serve` process.
type serverProc struct {
	cmd        *exec.Cmd
	addr       string
	metricsURL string
	probeAddr  string
	readyURL   string
	logPath    string
	logFile    *os.File
	// exited is closed once the process has exited; exitErr is then set.
	exited  chan struct{}
	exitErr error
}

// serverFiles is what every start of the server reads: the binary, the
// kubeconfig of the API server, the certificate directory, and where logs go.
type serverFiles struct {
	bin, kubeconfig, certDir, dir string
	// memoryLimit is the pod's memory limit in bytes, handed to the server as
	// the chart hands it; goMemLimit, when set, is its GOMEMLIMIT.
	memoryLimit int64
	goMemLimit  string
	// cgroup is the memory cgroup every server process is put in; nil for none.
	cgroup *memoryCgroup
}

// startServer starts the server on free loopback ports with the pod's memory
// limit set, in the memory cgroup when there is one, its output appended to
// a log file, and waits until /readyz answers 200.
func startServer(f serverFiles, generation int) (*serverProc, error) {
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	s := &serverProc{
		addr:       net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])),
		metricsURL: fmt.Sprintf("http://127.0.0.1:%d/metrics", ports[1]),
		probeAddr:  fmt.Sprintf("127.0.0.1:%d", ports[2]),
		readyURL:   fmt.Sprintf("http://127.0.0.1:%d/readyz", ports[2]),
		logPath:    filepath.Join(f.dir, fmt.Sprintf("server-%d.log", generation)),
		exited:     make(chan struct{}),
	}
	if s.logFile, err = os.Create(s.logPath); err != nil {
		return nil, err
	}
	s.cmd = exec.Command(f.bin, "serve",
		"--kubeconfig", f.kubeconfig, "--cert-dir", f.certDir,
		"--host", "127.0.0.1", "--port", strconv.Itoa(ports[0]),
		"--metrics-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[1]),
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[2]),
		// The webhooks alone: the control plane has no Argo CD CRDs to supervise.
		"--supervisor=false", "--leader-elect=false")
	s.cmd.Env = append(os.Environ(), "TENANTGUARD_MEMORY_LIMIT="+strconv.FormatInt(f.memoryLimit, 10))
	if f.goMemLimit != "" {
		s.cmd.Env = append(s.cmd.Env, "GOMEMLIMIT="+f.goMemLimit)
	}
	s.cmd.Stdout, s.cmd.Stderr = s.logFile, s.logFile
	if err := s.cmd.Start(); err != nil {
		s.logFile.Close()
		return nil, err
	}
	go func() {
		s.exitErr = s.cmd.Wait()
		close(s.exited)
	}()
	if f.cgroup != nil {
		if err := f.cgroup.add(s.cmd.Process.Pid); err != nil {
			s.stop()
			return nil, fmt.Errorf("moving the server into its memory cgroup: %w", err)
		}
	}
	if err := s.waitReady(60 * time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("%w\nserver log:\n%s", err, s.logTail(20))
	}
	return s, nil
}

// waitReady polls /readyz until it answers 200, the process exits, or
// timeout passes.
func (s *serverProc) waitReady(timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if resp, err := client.Get(s.readyURL); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("tenantguard serve exited before it was ready: %v", s.exitErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("tenantguard serve was not ready within %s", timeout)
}

// pid is the server's process id.
func (s *serverProc) pid() int { return s.cmd.Process.Pid }

// died returns why the server exited, or nil while it runs.
func (s *serverProc) died() error {
	select {
	case <-s.exited:
		if s.exitErr == nil {
			return errors.New("exited with status 0")
		}
		return s.exitErr
	default:
		return nil
	}
}

// stop asks the server to shut down as Kubernetes does (SIGTERM), and kills
// it if it has not exited within 15 seconds.
func (s *serverProc) stop() {
	if s.died() == nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	}
	s.logFile.Close()
}

// logSize is how many bytes the server has logged so far.
func (s *serverProc) logSize() int64 {
	info, err := os.Stat(s.logPath)
	if err != nil {
		return 0
	}
	return info.Size()
}

// logTail returns the last n lines of the server's log, each cut to 300
// bytes: a log line may quote a hostile request.
func (s *serverProc) logTail(n int) string {
	data, err := os.ReadFile(s.logPath)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	lines = lines[max(0, len(lines)-n):]
	for i, l := range lines {
		lines[i] = shorten(l, 300)
	}
	return strings.Join(lines, "\n")
}

// freePorts asks the kernel for n unused loopback ports, holding all of them
// until it has them so that they differ. Another process could take one
// before the server binds it; on a test machine that is rare enough.
func freePorts(n int) ([]int, error) {
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports, nil
}

// shorten cuts s to n bytes, saying how much was left out.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return fmt.Sprintf("%s... (%d bytes)", s[:n], len(s))
}
