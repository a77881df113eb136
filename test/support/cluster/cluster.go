// Package cluster starts a real control plane for tenantguard: kube-apiserver
// and etcd from envtest, the real Argo CD CRDs, the webhook configurations of
// config/webhook, and tenantguard's webhook server, which kube-apiserver calls
// over TLS. The end-to-end tests and `make run` both start it.
//
// KUBEBUILDER_ASSETS must name a directory holding kube-apiserver and etcd;
// `make test` and `make run` build them and set it.
package cluster

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/tenantguard/tenantguard/cmd/tenantguard/app"
)

// Cluster is a running control plane with tenantguard's webhooks registered and served.
type Cluster struct {
	// Config reaches the API server as an administrator.
	Config *rest.Config
	// Client is a controller-runtime client on Config.
	Client client.Client
	// Root is the repository's root directory.
	Root string
	// Cache is the webhook server's cache, where it looks Tenants up; a test
	// that creates a Tenant waits for it there before the webhook can see it.
	Cache client.Reader

	env    *envtest.Environment
	cancel context.CancelFunc
	done   chan error
}

// ErrNoAssets means KUBEBUILDER_ASSETS is not set, so no control plane can start.
var ErrNoAssets = errors.New("KUBEBUILDER_ASSETS is not set; run the tests with `make test`, which builds kube-apiserver and etcd")

// Start starts the control plane, installs the CRDs (Argo CD's and the Tenant)
// and webhook configurations,
// and serves tenantguard's webhooks until Stop. It returns once a TLS
// connection to the webhook server succeeds.
func Start(ctx context.Context) (*Cluster, error) {
	return StartWith(ctx, Options{})
}

// StartWith is Start, serving what opts say besides the webhooks.
func StartWith(ctx context.Context, opts Options) (*Cluster, error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		return nil, ErrNoAssets
	}
	root := RepoRoot()
	crds, err := ArgoCDCRDs()
	if err != nil {
		return nil, err
	}
	crds = append(crds, filepath.Join(root, "config", "crd", "bases"))
	if opts.Audit {
		crds = append(crds, filepath.Join(root, "config", "audit", "crd"))
	}
	env := &envtest.Environment{
		CRDInstallOptions:     envtest.CRDInstallOptions{Paths: crds, ErrorIfPathMissing: true},
		WebhookInstallOptions: envtest.WebhookInstallOptions{Paths: []string{filepath.Join(root, "config", "webhook")}},
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting control plane: %w", err)
	}
	c := &Cluster{Config: cfg, Root: root, env: env, done: make(chan error, 1)}
	if err := c.serve(ctx, opts); err != nil {
		_ = env.Stop()
		return nil, err
	}
	return c, nil
}

// serve starts tenantguard's webhook server on the address envtest registered.
func (c *Cluster) serve(ctx context.Context, opts Options) error {
	wio := c.env.WebhookInstallOptions
	ctx, c.cancel = context.WithCancel(ctx)
	serverOpts := opts.serverOptions()
	serverOpts.Host, serverOpts.Port, serverOpts.CertDir = wio.LocalServingHost, wio.LocalServingPort, wio.LocalServingCertDir
	serverCfg, err := c.serverConfig(ctx, opts)
	if err != nil {
		return err
	}
	if opts.External {
		c.done <- nil
		c.Client, err = client.New(c.Config, client.Options{Scheme: Scheme()})
		return err
	}
	mgr, err := app.New(ctx, serverCfg, serverOpts)
	if err != nil {
		return err
	}
	// Tests read what the API server stored, not the manager's cache.
	if c.Client, err = client.New(c.Config, client.Options{Scheme: mgr.GetScheme()}); err != nil {
		return err
	}
	c.Cache = mgr.GetCache()
	go func() { c.done <- mgr.Start(ctx) }()
	return WaitForTLS(net.JoinHostPort(wio.LocalServingHost, strconv.Itoa(wio.LocalServingPort)), c.done)
}

// WaitForTLS dials addr until a TLS handshake succeeds, the server reports a
// failure on failed, or 30 s pass.
func WaitForTLS(addr string, failed <-chan error) error {
	dialer := &net.Dialer{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		conn, err := tls.DialWithDialer(dialer, "tcp", addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // only checks the server is up
		if err == nil {
			return conn.Close()
		}
		select {
		case err := <-failed:
			return fmt.Errorf("webhook server stopped: %w", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("webhook server at %s did not answer TLS within 30s", addr)
}

// ServingCertDir holds the serving certificate kube-apiserver trusts for the
// webhook, for tests that start a server of their own on another port.
func (c *Cluster) ServingCertDir() string {
	return c.env.WebhookInstallOptions.LocalServingCertDir
}

// WebhookAddress is where kube-apiserver calls the webhooks, for a server
// started as a process of its own (Options.External), with ServingCertDir.
func (c *Cluster) WebhookAddress() (host string, port int) {
	wio := c.env.WebhookInstallOptions
	return wio.LocalServingHost, wio.LocalServingPort
}

// ServerKubeConfig returns a kubeconfig for ServiceAccount, authenticated by a
// client certificate, for a server started as a process of its own that runs
// as a cluster runs it (Options.External with AsServiceAccount).
func (c *Cluster) ServerKubeConfig() ([]byte, error) {
	user, err := c.env.AddUser(envtest.User{Name: ServiceAccount, Groups: serviceAccountGroups}, nil)
	if err != nil {
		return nil, err
	}
	return user.KubeConfig()
}

// KubeConfig returns a kubeconfig for an administrator of the cluster, for kubectl.
func (c *Cluster) KubeConfig() ([]byte, error) {
	return adminKubeConfig(c.env)
}

// Stop stops the webhook server and the control plane.
func (c *Cluster) Stop() error {
	c.cancel()
	serveErr := <-c.done
	return errors.Join(serveErr, c.env.Stop())
}

// RepoRoot is the repository root, three directories above this file; `go run`
// keeps source paths absolute, so it holds from any working directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}
