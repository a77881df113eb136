package install

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// TestServerSideDryRun sends every rendered object to the API server, which
// validates it against its schema (built-in kinds and the installed CRDs),
// compiles the webhooks' CEL matchConditions, and stores nothing.
func TestServerSideDryRun(t *testing.T) {
	for name, render := range installRenderings() {
		t.Run(name, func(t *testing.T) {
			objs := render(t)
			needAPIServer(t)
			ctx := context.Background()
			for _, obj := range objs {
				createNamespace(ctx, t, obj.GetNamespace())
			}
			for _, obj := range objs {
				// A server-side apply of the rendered object as it is, which the
				// typed Apply of apply configurations does not take.
				err := apiServer.Patch(ctx, obj, client.Apply, client.DryRunAll, //nolint:staticcheck // see above
					client.ForceOwnership, client.FieldOwner("tenantguard-test"))
				if err != nil {
					t.Errorf("%s %s/%s: %v", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
				}
			}
		})
	}
}

// createNamespace creates ns for real, as `helm install --create-namespace` would.
func createNamespace(ctx context.Context, t *testing.T, ns string) {
	t.Helper()
	if ns == "" {
		return
	}
	err := apiServer.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating namespace %s: %v", ns, err)
	}
}

// installRenderings are the ways an operator installs tenantguard: the chart
// with its defaults, the chart with every option changed, and config/default.
func installRenderings() map[string]func(*testing.T) []*unstructured.Unstructured {
	return map[string]func(*testing.T) []*unstructured.Unstructured{
		"the chart with default values": func(t *testing.T) []*unstructured.Unstructured {
			return helmTemplate(t, "tenantguard", "tenantguard-system")
		},
		"the chart with every option changed": func(t *testing.T) []*unstructured.Unstructured {
			return helmTemplate(t, "tg", "guard", "--values", customValues)
		},
		"kustomize config/default": func(t *testing.T) []*unstructured.Unstructured {
			return kustomizeBuild(t, "default")
		},
	}
}
