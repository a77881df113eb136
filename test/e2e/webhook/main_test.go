// Package e2e tests tenantguard through a real kube-apiserver: every object is
// sent by a client to the API server, which calls the webhooks over TLS and
// stores what they admit.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/tenantguard/tenantguard/test/support/cluster"
)

// env is the cluster every test in this package talks to.
var env *cluster.Cluster

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	env, err = cluster.Start(context.Background())
	if errors.Is(err, cluster.ErrNoAssets) {
		return cluster.NoAssets("the end-to-end tests", err)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the test cluster:", err)
		return 1
	}
	// Argo CD's Applications live in its namespace.
	argocd := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "argocd"}}
	if err := env.Client.Create(context.Background(), argocd); err != nil {
		fmt.Fprintln(os.Stderr, "creating namespace argocd:", err)
		return 1
	}
	code := m.Run()
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping the test cluster:", err)
	}
	return code
}
