package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/tenantguard/tenantguard/test/support/serverproc"
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

// stop stops the server, keeping its log at keepLog when set.
func stop(srv *serverproc.Server, keepLog string) {
	srv.Stop()
	if keepLog == "" {
		return
	}
	if data, err := os.ReadFile(srv.LogPath); err == nil {
		_ = os.WriteFile(keepLog, data, 0o600)
	}
}

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
// collection, to path, or only has the collection run when path is empty;
// profileURL is its pprof endpoint.
func saveHeapProfile(profileURL, path string) error {
	resp, err := http.Get(profileURL + "heap?gc=1")
	if err != nil {
		return fmt.Errorf("reading the heap profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reading the heap profile: %s", resp.Status)
	}
	if path == "" {
		_, err := io.Copy(io.Discard, resp.Body)
		return err
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
