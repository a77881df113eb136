// Package supervisor tests tenantguard's supervisor through a real
// kube-apiserver with the real Argo CD CRDs and tenantguard's webhooks
// registered: the server runs as its service account with exactly the RBAC of
// config/rbac, elected by a Lease, so that every object the supervisor writes
// is authorized and admitted as in a cluster. envtest runs no Argo CD and no
// namespace controller: the tests play Argo CD's status writes themselves,
// and have the stand-ins of test/cluster/standin release Argo CD's resources
// finalizer and empty and finalize a terminating namespace, at the moment a
// test chooses or, in TestATenantGoesInOrderWithTheStandIns, running as
// `make run` runs them. A namespace no stand-in finalizes stays Terminating.
package supervisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/tenantguard/tenantguard/test/support/cluster"
)

// env is the cluster every test in this package talks to. Set
// TENANTGUARD_TEST_LOG to see the server's log.
var env *cluster.Cluster

// configFile is the cluster config the server serves, reloaded on change.
var configFile string

// repoURL is the platform repository of the test cluster config.
const repoURL = "https://git.example.com/platform/tenants.git"

// baseConfig is the cluster config of the tests: a platform repository that
// is also the only allowed one, notifications per environment, and the
// quota, limits and default-deny policy of production namespaces.
const baseConfig = `
allowedRepos: [` + repoURL + `]
supervisor:
  repoURL: ` + repoURL + `
  notifications:
    staging:
      - {trigger: on-sync-failed, service: slack, recipients: staging-alerts}
    production:
      - {trigger: on-sync-succeeded, service: slack, recipients: deploys}
      - {trigger: on-health-degraded, service: pagerduty, recipients: platform}
  namespaceResources:
    production:
      resourceQuota: {hard: {pods: "50"}}
      limitRange: {limits: [{type: Container, defaultRequest: {memory: 128Mi}}]}
      defaultDenyNetworkPolicy: true
`

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("TENANTGUARD_TEST_LOG") != "" {
		ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr)))
	}
	suite, err := cluster.StartSuite(context.Background(), "supervisor", baseConfig, cluster.Options{
		Supervisor: true, AsServiceAccount: true, LeaderElection: true,
	})
	if errors.Is(err, cluster.ErrNoAssets) {
		return cluster.NoAssets("the supervisor tests", err)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the test cluster:", err)
		return 1
	}
	env, configFile = suite.Cluster, suite.ConfigFile
	defer func() {
		if err := suite.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test cluster:", err)
		}
	}()
	return m.Run()
}
