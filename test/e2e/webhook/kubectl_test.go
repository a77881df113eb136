package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kubectl runs the real kubectl, built beside kube-apiserver, against the test cluster.
func kubectl(t *testing.T, args ...string) (string, error) {
	t.Helper()
	bin := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("kubectl is built with kube-apiserver by `make test`: %v", err)
	}
	kubeconfig, err := env.KubeConfig()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(path, kubeconfig, 0o600))
	cmd := exec.Command(bin, append([]string{"--kubeconfig", path}, args...)...)
	cmd.Dir = env.Root
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestKubectlShowsTheRefusal(t *testing.T) {
	out, err := kubectl(t, "apply", "-f", "config/samples/application-pinned.yaml")
	require.Error(t, err, "kubectl applied a pinned Application: %s", out)
	assert.Contains(t, out, `admission webhook "validate.tenantguard.io" denied the request`)
	assert.Contains(t, out, `[app-pinned-revision] Application argocd/shop-pinned: spec.source.targetRevision is pinned to commit "3f1c9a0"`)

	out, err = kubectl(t, "apply", "-f", "config/samples/application-defaulted.yaml")
	require.NoError(t, err, out)
	out, err = kubectl(t, "get", "application", "-n", "argocd", "shop-staging", "-o", "jsonpath={.spec.source.targetRevision}")
	require.NoError(t, err, out)
	assert.Equal(t, "HEAD", out)
}

func TestKubectlShowsTheApplicationSetsRefusedElement(t *testing.T) {
	out, err := kubectl(t, "apply", "-f", "config/samples/applicationset-production-path.yaml")
	require.Error(t, err, "kubectl applied an ApplicationSet that makes a production Application: %s", out)
	assert.Contains(t, out, `admission webhook "validate.tenantguard.io" denied the request`)
	assert.Contains(t, out, "[app-production-source] ApplicationSet argocd/shop-components: spec.generators[0].list.elements[2] → spec.template.spec.source.path")
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "[app-production-source]") {
			assert.Contains(t, line, "elements[2]", "only the production element points at production/")
		}
	}
}
