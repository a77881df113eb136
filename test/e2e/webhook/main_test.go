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

	"github.com/tenantguard/tenantguard/test/support/cluster"
)

// env is the cluster every test in this package talks to.
var env *cluster.Cluster

// suiteConfig is the cluster config served: the defaults, and the
// approvers of PolicyExceptions (exception_test.go).
const suiteConfig = `exceptions:
  approvers: [` + approver + `]
  approverGroups: [` + approverGroup + `]
`

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	// StartSuite also makes Argo CD's namespace, where Applications live.
	suite, err := cluster.StartSuite(context.Background(), "webhook", suiteConfig, cluster.Options{})
	if errors.Is(err, cluster.ErrNoAssets) {
		return cluster.NoAssets("the end-to-end tests", err)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the test cluster:", err)
		return 1
	}
	env = suite.Cluster
	code := m.Run()
	if err := suite.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping the test cluster:", err)
	}
	return code
}
