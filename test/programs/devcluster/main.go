// Command devcluster is `make run`: it starts a local control plane with
// tenantguard's webhooks registered and served and its supervisor running as
// tenantguard's service account (see test/support/cluster), with the cluster config
// of cluster-config.yaml, applies config/samples, prints what tenantguard
// defaulted and what it refused, then what the supervisor made for each
// Tenant, and keeps serving until interrupted so that kubectl can be pointed at it.
// Stand-ins for Argo CD and the namespace controller (test/cluster/standin)
// let a deleted Tenant go as it would in a cluster. Interrupted, it stops
// everything it started and exits 0.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"go.uber.org/zap/zapcore"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/tenantguard/tenantguard/test/support/cluster"
)

func main() {
	kubeconfig := flag.String("write-kubeconfig", "bin/kubeconfig", "where to write the kubeconfig of the local cluster")
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.Level(zapcore.ErrorLevel)))
	if err := run(*kubeconfig); err != nil {
		fmt.Fprintln(os.Stderr, "devcluster:", err)
		os.Exit(1)
	}
}

func run(kubeconfig string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Println("Starting kube-apiserver and etcd, installing the Argo CD CRDs and tenantguard's webhooks and supervisor...")
	c, err := cluster.StartWith(context.Background(), cluster.Options{
		Supervisor: true, AsServiceAccount: true, LeaderElection: true,
		ConfigFile: filepath.Join(cluster.RepoRoot(), "test", "programs", "devcluster", "cluster-config.yaml"),
	})
	if err != nil {
		return err
	}
	defer func() {
		fmt.Println("\nStopping the local cluster.")
		if err := c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "devcluster:", err)
		}
	}()
	stopStandIns, err := startStandIns(c)
	if err != nil {
		return err
	}
	// Deferred after the cluster's Stop, so run before it: the stand-ins
	// stop while the API server still answers.
	defer func() {
		if err := stopStandIns(); err != nil {
			fmt.Fprintln(os.Stderr, "devcluster: stand-ins:", err)
		}
	}()
	if err := writeKubeconfig(c, kubeconfig); err != nil {
		return err
	}
	if err := applySamples(ctx, c, filepath.Join(c.Root, "config", "samples")); err != nil {
		return err
	}
	if err := printSupervised(ctx, c.Client); err != nil {
		return err
	}
	printHowTo(kubeconfig)
	<-ctx.Done()
	return nil
}

func writeKubeconfig(c *cluster.Cluster, path string) error {
	data, err := c.KubeConfig()
	if err != nil {
		return fmt.Errorf("creating kubeconfig: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

func printHowTo(kubeconfig string) {
	fmt.Printf(`
tenantguard is serving. In another terminal:

  export KUBECONFIG=%s
  bin/kubectl apply -f config/samples/application-pinned.yaml     # refused by [app-pinned-revision]
  bin/kubectl apply -f config/samples/applicationset-production-path.yaml   # refused, naming spec.generators[0].list.elements[2]
  bin/kubectl get applications -A -o custom-columns=NAME:.metadata.name,REVISION:.spec.source.targetRevision,SOURCES:.spec.sources[*].targetRevision
  bin/kubectl get tenants                                         # READY, SYNC and HEALTH from the supervisor
  bin/kubectl apply -f - <<<'{"apiVersion":"tenantguard.io/v1alpha1","kind":"Tenant","metadata":{"name":"blog"},"spec":{"environment":"production"}}'
  bin/kubectl get namespace tenant-blog; bin/kubectl get appprojects,applications -n argocd

An incident (docs/exceptions.md): the approver lead@example.com holds blog's production
Application on a commit for an hour; anyone else, or an exception without expiry, is refused.
An administrator who is not an approver is impersonated with --as-group system:masters.

  sed "s/EXPIRES/$(date -u -d '+1 hour' +%%FT%%TZ)/" config/samples/policyexception-hold-blog.yaml |
    bin/kubectl apply --as lead@example.com --as-group system:masters -f -
  bin/kubectl -n argocd patch application tenant-blog --type merge -p '{"spec":{"source":{"targetRevision":"3f1c9a07"}}}'   # admitted, with a warning naming the exception
  bin/kubectl -n argocd patch application shop-staging --type merge -p '{"spec":{"source":{"targetRevision":"3f1c9a07"}}}'  # refused by [app-pinned-revision]
  sed "s/EXPIRES/$(date -u -d '+1 hour' +%%FT%%TZ)/" config/samples/policyexception-hold-blog.yaml |
    bin/kubectl apply --as dev@example.com --as-group system:masters -f -   # refused by [exception-approver]
  sed /expires/d config/samples/policyexception-hold-blog.yaml |
    bin/kubectl apply --as lead@example.com --as-group system:masters -f -  # refused by [exception-expiry]
  bin/kubectl get policyexceptions                                # RULES, KIND, NAMES, EXPIRES, STATE

  bin/kubectl delete tenant shop                                  # Application, then AppProject, then Namespace

Press Ctrl-C to stop.
`, kubeconfig)
}
