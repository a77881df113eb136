// Package serverproc holds what the performance programs need to run
// `tenantguard serve` as a process of its own: building it (Build),
// starting and stopping it (Start), free loopback ports for its endpoints,
// waiting for its readiness, and reading its log.
package serverproc

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// FreePorts returns n loopback ports free at the time of the call.
func FreePorts(n int) ([]int, error) {
	var ports []int
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// WaitReady polls url until it answers 200 or limit passes.
func WaitReady(url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url) //nolint:gosec // a loopback address of our own
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("tenantguard serve was not ready at %s within %s", url, limit)
}

// LogTail is the last n lines of the log file at path.
func LogTail(path string, n int) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
