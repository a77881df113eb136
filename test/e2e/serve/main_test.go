// Package serve runs `tenantguard serve` as a process, as a cluster runs it
// (its service account, its RBAC, elected by a Lease, the supervisor on),
// against a real kube-apiserver, and tests how it ends: stopped by a signal
// it exits 0 without an error line; losing its Lease while serving, it
// exits with an error.
package serve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/tenantguard/tenantguard/test/support/cluster"
	"github.com/tenantguard/tenantguard/test/support/serverproc"
)

var (
	// env is the control plane; the servers run as processes of their own.
	env *cluster.Cluster
	// bin is tenantguard built from this tree, dir holds it and its kubeconfig.
	bin, dir string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	env, err = cluster.StartWith(context.Background(), cluster.Options{External: true, AsServiceAccount: true, LeaderElection: true})
	if errors.Is(err, cluster.ErrNoAssets) {
		fmt.Println("skipping the tests of tenantguard serve as a process:", err)
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the test cluster:", err)
		return 1
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test cluster:", err)
		}
	}()
	bin, dir, err = serverproc.Build(env, "tenantguard-serve-test-")
	defer os.RemoveAll(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}
