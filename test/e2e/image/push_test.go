package image

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCranePushesTheLayout runs what docs/install.md says, `crane push
// bin/image/oci REF`, against a registry that crane serves on loopback, and
// reads the image back by the digest it printed.
func TestCranePushesTheLayout(t *testing.T) {
	dir := imageDir(t)
	crane := fromEnv(t, "TENANTGUARD_CRANE")
	idx, _ := builtIndex(t, dir)
	digest, err := idx.Digest()
	require.NoError(t, err)
	repo := serveRegistry(t, crane) + "/tenantguard/tenantguard"

	pushed := strings.TrimSpace(runCrane(t, crane, "push", filepath.Join(dir, "oci"), repo+":pushed"))
	assert.Equal(t, repo+"@"+digest.String(), pushed, "crane push prints the reference by the index digest")

	index, err := v1.ParseIndexManifest(strings.NewReader(runCrane(t, crane, "manifest", pushed)))
	require.NoError(t, err)
	assert.Len(t, index.Manifests, len(platforms))
	for _, p := range platforms {
		var cfg v1.ConfigFile
		require.NoError(t, json.Unmarshal([]byte(runCrane(t, crane, "config", "--platform", p.String(), repo+":pushed")), &cfg))
		assert.Equal(t, p.Architecture, cfg.Architecture, "the registry serves %s's image for --platform %s", cfg.Architecture, p)
		assert.Equal(t, "65532:65532", cfg.Config.User)
	}
}

// serveRegistry starts `crane registry serve` on a free loopback port, stopped
// when the test ends, and returns its host:port.
func serveRegistry(t *testing.T, crane string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	cmd := exec.CommandContext(ctx, crane, "registry", "serve", "--address", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	port := make(chan string, 1)
	go func() {
		serving := regexp.MustCompile(`serving on port (\d+)`)
		scanner := bufio.NewScanner(stderr)
		for scanner.Scan() {
			if m := serving.FindStringSubmatch(scanner.Text()); m != nil {
				port <- m[1]
			}
		}
	}()
	select {
	case p := <-port:
		return "127.0.0.1:" + p
	case <-time.After(30 * time.Second):
		t.Fatal("crane registry serve did not say its port within 30s")
		return ""
	}
}

// runCrane runs crane and returns its standard output, failing on an error.
func runCrane(t *testing.T, crane string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(crane, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "crane %v: %s", args, stderr.String())
	return stdout.String()
}
