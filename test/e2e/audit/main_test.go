// Package audit tests tenantguard's audit through a real kube-apiserver with
// the real Argo CD and OpenReports CRDs and tenantguard's webhooks
// registered, and the supervisor running beside the audit: the server runs as its service account with exactly the RBAC
// of config/rbac and config/audit, elected by a Lease, and audits every
// second. The tests change what the audit judges the way an operator would
// (a Tenant's arch, the cluster config, deleting an Application, a
// PolicyException and its expiry on a clock the tests step) and read what a
// user reads: the Reports, the Tenant's condition, the exception's status,
// the metrics and `tenantguard audit`.
package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	reportsv1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"

	"github.com/tenantguard/tenantguard/test/support/cluster"
)

// env is the cluster every test in this package talks to. Set
// TENANTGUARD_TEST_LOG to see the server's log.
var env *cluster.Cluster

// reader reads the Reports and Tenants as stored, typed.
var reader client.Client

// configFile is the cluster config the server serves, reloaded on change.
var configFile string

// repoURL is the only repository the test cluster config allows.
const repoURL = "https://git.example.com/platform/tenants.git"

// baseConfig is the cluster config of the tests: one allowed repository,
// which is the supervisor's platform repository, and the tests' user (an
// administrator) among the approvers of PolicyExceptions.
const baseConfig = "allowedRepos: [" + repoURL + "]\nsupervisor: {repoURL: " + repoURL + "}\n" +
	"exceptions: {approverGroups: [system:masters]}\n"

// clock is the time the server judges PolicyExceptions at: its webhooks,
// audit and exception controller. Tests step it past an expiry, never sleep.
var clock = clocktesting.NewFakeClock(time.Now().Truncate(time.Second))

// interval is how often the server audits; a test waits a few of them.
const interval = time.Second

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("TENANTGUARD_TEST_LOG") != "" {
		ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr)))
	}
	suite, err := cluster.StartSuite(context.Background(), "audit", baseConfig, cluster.Options{
		Audit: true, AuditInterval: interval, Supervisor: true, AsServiceAccount: true, LeaderElection: true,
		Exceptions: true, Clock: clock,
	})
	if errors.Is(err, cluster.ErrNoAssets) {
		return cluster.NoAssets("the audit tests", err)
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
	scheme := cluster.Scheme()
	if err := reportsv1.Install(scheme); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if reader, err = client.New(env.Config, client.Options{Scheme: scheme}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}
