package install

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tenantguard/tenantguard/test/support/cluster"
)

// repoRoot is the repository root, three directories above this file.
var repoRoot = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}()

var (
	chartDir     = filepath.Join(repoRoot, "charts", "tenantguard")
	customValues = filepath.Join(chartDir, "ci", "custom-values.yaml")
)

// kubeVersion is what `helm template` renders for: a go-installed helm
// otherwise assumes v1.20, below the chart's kubeVersion.
const kubeVersion = "v1.37.2"

// tool returns the binary an environment variable names, or skips the test.
func tool(t *testing.T, env string) string {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		t.Skipf("%s is not set; run the tests with `make test`, which installs the tool", env)
	}
	return path
}

// helmTemplate renders the chart as release name in namespace ns.
func helmTemplate(t *testing.T, name, ns string, args ...string) []*unstructured.Unstructured {
	t.Helper()
	args = append([]string{"template", name, chartDir, "--namespace", ns, "--kube-version", kubeVersion}, args...)
	return decode(t, command(t, tool(t, "TENANTGUARD_HELM"), args...))
}

// kustomizeBuild builds a directory of config/.
func kustomizeBuild(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	return decode(t, command(t, tool(t, "TENANTGUARD_KUSTOMIZE"), "build", filepath.Join(repoRoot, "config", dir)))
}

func command(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(bin), args, err, stderr.String())
	}
	return out
}

// decode splits rendered manifests into objects, leaving out empty documents.
func decode(t *testing.T, data []byte) []*unstructured.Unstructured {
	t.Helper()
	objs, err := cluster.DecodeObjects(data)
	if err != nil {
		t.Fatalf("decoding rendered manifests: %v", err)
	}
	return objs
}

// find returns the one object of kind and name, or fails the test.
func find(t *testing.T, objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	t.Fatalf("no %s %q among the rendered objects", kind, name)
	return nil
}

func ofKind(objs []*unstructured.Unstructured, kind string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == kind {
			out = append(out, o)
		}
	}
	return out
}
