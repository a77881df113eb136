package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/rest"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/tenantguard/tenantguard/cmd/tenantguard/app"
	"github.com/tenantguard/tenantguard/policies"
	"github.com/tenantguard/tenantguard/test/support/cluster"
)

// startTenantguard runs tenantguard's real server, as `tenantguard serve`
// builds it, in this process. It returns once the Tenant cache has synced and
// a TLS handshake succeeds, so the first measured request meets a ready server.
func startTenantguard(ctx context.Context, cfg *rest.Config, opts app.Options) (<-chan error, error) {
	mgr, err := app.New(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	syncCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if !mgr.GetCache().WaitForCacheSync(syncCtx) {
		return nil, errors.New("the Tenant cache did not sync within 30s")
	}
	return done, cluster.WaitForTLS(net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port)), done)
}

// freePort asks the kernel for an unused loopback port. Another process could
// take it before the server binds it; on a test machine that is rare enough.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// copyPolicies writes the embedded policies, without their tests, into dir,
// so that the server loads them from files (as from a ConfigMap volume) and
// the reload watcher has a PolicyDir to hash.
func copyPolicies(dir string) error {
	return fs.WalkDir(policies.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".rego" || strings.HasSuffix(name, "_test.rego") {
			return err
		}
		data, err := fs.ReadFile(policies.FS, name)
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o600)
	})
}

// servedRevision reads tenantguard_policy_revision_info from controller-runtime's
// registry, in this process: the revision whose gauge is 1 is the one served.
func servedRevision() (string, error) {
	families, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		return "", err
	}
	var served []string
	for _, f := range families {
		if f.GetName() != "tenantguard_policy_revision_info" {
			continue
		}
		for _, m := range f.GetMetric() {
			if m.GetGauge().GetValue() != 1 {
				continue
			}
			for _, l := range m.GetLabel() {
				if l.GetName() == "revision" {
					served = append(served, l.GetValue())
				}
			}
		}
	}
	if len(served) != 1 {
		return "", fmt.Errorf("tenantguard_policy_revision_info has %d current revisions: %v", len(served), served)
	}
	return served[0], nil
}
