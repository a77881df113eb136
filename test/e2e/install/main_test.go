// Package install tests the Helm chart and the kustomize bases as an operator
// installs them: rendered by the real helm and kustomize binaries, applied with
// a server-side dry run to a real kube-apiserver that has every CRD they use
// (the Tenant CRD, Argo CD's, cert-manager's and Prometheus Operator's), and
// compared with each other so that the two install paths cannot drift.
//
// `make test` sets KUBEBUILDER_ASSETS, TENANTGUARD_HELM and TENANTGUARD_KUSTOMIZE.
// Without KUBEBUILDER_ASSETS the dry runs fail unless TENANTGUARD_SKIP_ENVTEST=1;
// without the tools, the tests that need them are skipped.
package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/tenantguard/tenantguard/test/support/cluster"
)

const (
	// certManagerModule is the cert-manager release whose CRDs and Go types the tests use.
	certManagerModule = "github.com/cert-manager/cert-manager@v1.21.2"
	// promOperatorModule holds the ServiceMonitor CRD the chart's optional ServiceMonitor needs.
	promOperatorModule = "github.com/prometheus-operator/prometheus-operator@v0.85.0"
)

// apiServer is the control plane the dry runs go to; nil when KUBEBUILDER_ASSETS is unset.
var apiServer client.Client

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	env, err := start()
	if errors.Is(err, cluster.ErrNoAssets) {
		// The render tests need no control plane; the dry runs end in
		// needAPIServer, skipped or failed as cluster.SkipEnv says.
		return m.Run()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the control plane:", err)
		return 1
	}
	code := m.Run()
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping the control plane:", err)
	}
	return code
}

// start runs kube-apiserver with the CRDs every rendered object needs.
func start() (*envtest.Environment, error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		return nil, cluster.ErrNoAssets
	}
	crds, err := cluster.ArgoCDCRDs()
	if err != nil {
		return nil, err
	}
	certManager, err := moduleDir(certManagerModule)
	if err != nil {
		return nil, err
	}
	promOperator, err := moduleDir(promOperatorModule)
	if err != nil {
		return nil, err
	}
	crds = append(crds,
		filepath.Join(repoRoot, "config", "crd", "bases"),
		filepath.Join(certManager, "deploy", "crds"),
		filepath.Join(promOperator, "example", "prometheus-operator-crd", "monitoring.coreos.com_servicemonitors.yaml"),
	)
	env := &envtest.Environment{CRDInstallOptions: envtest.CRDInstallOptions{Paths: crds, ErrorIfPathMissing: true}}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting control plane: %w", err)
	}
	if apiServer, err = client.New(cfg, client.Options{Scheme: scheme.Scheme}); err != nil {
		_ = env.Stop()
		return nil, err
	}
	return env, nil
}

// moduleDir fetches a module into the Go module cache, when not there yet, and returns its directory.
func moduleDir(module string) (string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", module).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %w", module, err)
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
		return "", fmt.Errorf("go mod download %s: no module directory in %q", module, out)
	}
	return m.Dir, nil
}

// needAPIServer ends a test when no control plane runs: skipped when the
// run asks for it (cluster.SkipEnv), else failed.
func needAPIServer(t *testing.T) {
	t.Helper()
	if apiServer == nil {
		cluster.RequireAssets(t)
	}
}
