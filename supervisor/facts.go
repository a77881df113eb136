package supervisor

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

// facts are what the supervisor reads of a Tenant, with what the mutating
// webhook would fill in taken from the cluster config, read through the same
// model functions as the webhooks and the rules.
type facts struct {
	name        string
	environment string
	// namespace is the namespace the Tenant owns.
	namespace string
	// cluster is the Argo CD cluster the Tenant deploys to, and remote whether
	// it is another than the one Argo CD runs in.
	cluster string
	remote  bool
	// project and application name the AppProject and the Application, both
	// in Argo CD's namespace.
	project, application string
	argocd               string
}

func factsOf(t *tenantv1.Tenant, cfg *clusterconfig.ClusterConfig) facts {
	cluster := model.ClusterOf(t.Spec.Destination, cfg)
	project := cfg.TenantProject(t.Name)
	return facts{
		name:        t.Name,
		environment: t.Spec.Environment,
		namespace:   model.NamespaceOwnedBy(t.Name, t.Spec.Namespace, cfg),
		cluster:     cluster,
		remote:      !model.InCluster(cluster),
		project:     project,
		application: project,
		argocd:      cfg.Supervisor.ArgoCDNamespace,
	}
}

// tenantLabels mark every object the supervisor writes: whose it is and that
// the supervisor wrote it.
func tenantLabels(f facts) map[string]any {
	return map[string]any{
		tenantv1.TenantLabel:      f.name,
		tenantv1.EnvironmentLabel: f.environment,
		ManagedByLabel:            ManagedBy,
	}
}

// object is the skeleton of an object the supervisor applies: kind, name,
// labels, annotations and the controller reference to the Tenant.
func object(gvk schema.GroupVersionKind, namespace, name string, t *tenantv1.Tenant, labels, annotations map[string]any) *unstructured.Unstructured {
	ref := ownerReference(t)
	metadata := map[string]any{
		"name":   name,
		"labels": labels,
		"ownerReferences": []any{map[string]any{
			"apiVersion": ref.APIVersion, "kind": ref.Kind, "name": ref.Name, "uid": string(ref.UID),
			"controller": true, "blockOwnerDeletion": true,
		}},
	}
	if namespace != "" {
		metadata["namespace"] = namespace
	}
	if len(annotations) > 0 {
		metadata["annotations"] = annotations
	}
	u := &unstructured.Unstructured{Object: map[string]any{"metadata": metadata}}
	u.SetGroupVersionKind(gvk)
	return u
}
