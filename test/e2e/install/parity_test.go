package install

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// chartOnlyAnnotations are what the chart adds beyond config/default on purpose.
var chartOnlyAnnotations = map[string]bool{
	// Helm keeps the CRD on uninstall; `kubectl delete -k` is explicit.
	"helm.sh/resource-policy": true,
}

// TestChartAndKustomizeInstallTheSameObjects renders the chart as the release
// "tenantguard" in tenantguard-system and builds config/default, and compares
// them object by object: kinds, names, namespaces, specs, webhooks (rules,
// selectors, matchConditions, CA injection), RBAC rules, container args, env
// (the memory limit passed to serve) and resources. Labels differ (Helm's own), and config/default
// also creates its namespace.
func TestChartAndKustomizeInstallTheSameObjects(t *testing.T) {
	chart := index(helmTemplate(t, "tenantguard", "tenantguard-system"))
	kustomize := index(kustomizeBuild(t, "default"))
	delete(kustomize, objectKey{Kind: "Namespace", Name: "tenantguard-system"})
	assert.ElementsMatch(t, keys(chart), keys(kustomize), "kinds, names and namespaces")
	for key, want := range kustomize {
		got, ok := chart[key]
		if !ok {
			continue
		}
		assert.Equal(t, comparable(want), comparable(got), "%s %s/%s differs between the chart (actual) and config/default (expected)", key.Kind, key.Namespace, key.Name)
	}
}

// TestChartCRDIsTheGeneratedOne keeps the chart's copies of the Tenant and
// PolicyException CRDs equal to those `make generate` writes.
func TestChartCRDIsTheGeneratedOne(t *testing.T) {
	for _, file := range []string{"tenantguard.io_tenants.yaml", "tenantguard.io_policyexceptions.yaml"} {
		generated, err := os.ReadFile(filepath.Join(repoRoot, "config", "crd", "bases", file))
		require.NoError(t, err)
		copied, err := os.ReadFile(filepath.Join(chartDir, "files", file))
		require.NoError(t, err)
		assert.Equal(t, string(generated), string(copied), "copy config/crd/bases/%s to charts/tenantguard/files/", file)
	}
}

type objectKey struct{ Kind, Namespace, Name string }

func index(objs []*unstructured.Unstructured) map[objectKey]*unstructured.Unstructured {
	out := make(map[objectKey]*unstructured.Unstructured, len(objs))
	for _, o := range objs {
		out[objectKey{o.GetKind(), o.GetNamespace(), o.GetName()}] = o
	}
	return out
}

func keys(m map[objectKey]*unstructured.Unstructured) []objectKey {
	out := make([]objectKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// comparable is the object without its labels and the chart-only annotations,
// as YAML, so that a difference reads as a diff.
func comparable(obj *unstructured.Unstructured) string {
	o := obj.DeepCopy()
	o.SetLabels(nil)
	annotations := o.GetAnnotations()
	for name := range chartOnlyAnnotations {
		delete(annotations, name)
	}
	o.SetAnnotations(annotations)
	if len(annotations) == 0 {
		unstructured.RemoveNestedField(o.Object, "metadata", "annotations")
	}
	out, err := yaml.Marshal(o.Object)
	if err != nil {
		return err.Error()
	}
	return string(out)
}
