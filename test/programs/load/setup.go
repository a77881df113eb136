package main

import (
	"context"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/cmd/tenantguard/app"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/test/support/cluster"
	"github.com/tenantguard/tenantguard/test/support/testcert"
)

// fixture is what tenantguard reads from disk, laid out as in a cluster: a
// serving certificate signed by a throwaway CA that the load clients trust,
// and the policies and cluster config as mounted from ConfigMaps.
type fixture struct {
	ca          *testcert.Authority
	certs       *testcert.Dir
	firstSerial *big.Int
	policyDir   string
	configFile  string
	// loader computes the revision tenantguard must serve for these files.
	loader live.Loader
}

// prepareFiles writes the fixture into dir.
func prepareFiles(dir string) (*fixture, error) {
	fx := &fixture{policyDir: filepath.Join(dir, "policies"), configFile: filepath.Join(dir, "config.yaml")}
	// The rotation later issues a second certificate from the same CA.
	var err error
	if fx.ca, fx.certs, fx.firstSerial, err = testcert.Issue(dir, "certs"); err != nil {
		return nil, err
	}
	if err := copyPolicies(fx.policyDir); err != nil {
		return nil, fmt.Errorf("copying policies: %w", err)
	}
	if err := writeAtomically(fx.configFile, initialConfig); err != nil {
		return nil, err
	}
	fx.loader = live.Loader{PolicyDir: fx.policyDir, ConfigFile: fx.configFile}
	return fx, nil
}

// writeAtomically replaces path through a rename, so that the reload watcher
// never reads a half-written file (a truncated config would be valid YAML).
func writeAtomically(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// startCluster starts the control plane and creates the Tenants and n
// PolicyExceptions in it. The returned function stops the control plane.
func startCluster(ctx context.Context, tenants []tenant, exceptions int) (*rest.Config, func(), error) {
	api, err := cluster.StartAPIServer()
	if err != nil {
		return nil, nil, err
	}
	stop := func() { _ = api.Stop() }
	objs := make([]*tenantv1.Tenant, len(tenants))
	for i, t := range tenants {
		objs[i] = &tenantv1.Tenant{
			ObjectMeta: metav1.ObjectMeta{Name: t.name},
			// namespace and destination as the mutating webhook fills them in
			Spec: tenantv1.TenantSpec{Environment: t.env, Arch: t.arch, Cloud: "aws", Region: "eu-west-1",
				Namespace: "tenant-" + t.name, Destination: "https://kubernetes.default.svc"},
		}
	}
	if err := api.CreateTenants(ctx, objs...); err != nil {
		stop()
		return nil, nil, err
	}
	if err := api.CreatePolicyExceptions(ctx, otherExceptions(exceptions)...); err != nil {
		stop()
		return nil, nil, err
	}
	return api.Config, stop, nil
}

// otherExceptions are n PolicyExceptions in force, each for an Application
// of a tenant the load does not send: they weigh on the cache and its index,
// and must not on a review of another object.
func otherExceptions(n int) []*tenantv1.PolicyException {
	expires := metav1.NewTime(time.Now().Add(24 * time.Hour))
	out := make([]*tenantv1.PolicyException, n)
	for i := range out {
		out[i] = &tenantv1.PolicyException{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("other-%04d", i)},
			Spec: tenantv1.PolicyExceptionSpec{
				Rules: []string{"app-pinned-revision", "app-environment-path"},
				Match: tenantv1.ExceptionMatch{Kind: "Application", Namespace: "argocd",
					Names: []string{fmt.Sprintf("other-%04d", i)}, Tenant: fmt.Sprintf("other-%04d", i)},
				Reason: "load", RequestedBy: "load", Expires: &expires,
			},
		}
	}
	return out
}

// servers are the two webhook servers, running in this process until ctx
// ends, and a load client for each.
type servers struct {
	tgAddr   string
	tg, base *target
	// tgDone and baseDone receive what each server's Start returned.
	tgDone, baseDone <-chan error
}

// startServers starts tenantguard on the fixture's files and the baseline on
// the same certificate, each on a free loopback port.
func startServers(ctx context.Context, restConfig *rest.Config, fx *fixture, o options) (*servers, error) {
	tgPort, err := freePort()
	if err != nil {
		return nil, err
	}
	tgDone, err := startTenantguard(ctx, restConfig, app.Options{
		Host: "127.0.0.1", Port: tgPort, CertDir: fx.certs.Path, MetricsAddr: "0", ProbeAddr: "0",
		Policies: fx.loader, ReloadInterval: o.reloadInterval,
	})
	if err != nil {
		return nil, fmt.Errorf("starting tenantguard: %w", err)
	}
	basePort, err := freePort()
	if err != nil {
		return nil, err
	}
	baseDone, err := cluster.StartDoNothingWebhook(ctx, "127.0.0.1", basePort, fx.certs.Path)
	if err != nil {
		return nil, fmt.Errorf("starting the baseline: %w", err)
	}
	s := &servers{tgAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(tgPort)), tgDone: tgDone, baseDone: baseDone}
	s.tg = newTarget("tenantguard", s.tgAddr, fx.ca.ClientConfig(), o.concurrency, true)
	s.base = newTarget("baseline", net.JoinHostPort("127.0.0.1", strconv.Itoa(basePort)), fx.ca.ClientConfig(), o.concurrency, false)
	return s, nil
}

// stop cancels the context the servers run under and waits up to 10s for
// each to return, so that a server stuck in shutdown cannot hang the run.
func (s *servers) stop(cancel context.CancelFunc) {
	cancel()
	for _, done := range []<-chan error{s.tgDone, s.baseDone} {
		select {
		case err := <-done:
			if err != nil {
				fmt.Fprintln(os.Stderr, "stopping a server:", err)
			}
		case <-time.After(10 * time.Second):
		}
	}
}

// checkRunning fails a check if either server stopped during the run.
func (s *servers) checkRunning(chk *checker) {
	select {
	case err := <-s.tgDone:
		chk.check("tenantguard still running", fmt.Errorf("stopped: %v", err))
	case err := <-s.baseDone:
		chk.check("baseline still running", fmt.Errorf("stopped: %v", err))
	default:
	}
}
