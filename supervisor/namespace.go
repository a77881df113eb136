package supervisor

import (
	"context"
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/clusterconfig"
)

// The names of the objects the supervisor keeps in a tenant namespace.
const (
	quotaName       = "tenant"
	limitRangeName  = "tenant"
	networkPolicyNm = "default-deny"
)

// namespaceLabels are the labels of a tenant namespace: the cluster config's
// (Pod Security by default), then the tenant and environment labels.
func namespaceLabels(f facts, cfg *clusterconfig.ClusterConfig) map[string]any {
	out := map[string]any{}
	for k, v := range cfg.Supervisor.NamespaceLabels {
		out[k] = v
	}
	out[tenantv1.TenantLabel] = f.name
	out[tenantv1.EnvironmentLabel] = f.environment
	return out
}

// desiredNamespace is the tenant's Namespace as the supervisor applies it.
func desiredNamespace(t *tenantv1.Tenant, f facts, cfg *clusterconfig.ClusterConfig) *unstructured.Unstructured {
	labels := namespaceLabels(f, cfg)
	labels[ManagedByLabel] = ManagedBy
	return object(namespaceGVK, "", f.namespace, t, labels, nil)
}

// namespaceResource is one object the supervisor may keep in a tenant
// namespace; spec is nil when the environment's config asks for none.
type namespaceResource struct {
	gvk  schema.GroupVersionKind
	name string
	spec map[string]any
}

// namespaceResources are the quota, limit range and network policy of the
// tenant's environment, each with the spec the config gives it, or none.
func namespaceResources(f facts, cfg *clusterconfig.ClusterConfig) ([]namespaceResource, error) {
	env := cfg.Supervisor.NamespaceResources[f.environment]
	quota, err := specOf(env.ResourceQuota)
	if err != nil {
		return nil, err
	}
	limits, err := specOf(env.LimitRange)
	if err != nil {
		return nil, err
	}
	var deny map[string]any
	if env.DefaultDenyNetworkPolicy {
		deny = map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress", "Egress"}}
	}
	return []namespaceResource{
		{resourceQuotaGVK, quotaName, quota},
		{limitRangeGVK, limitRangeName, limits},
		{networkPolicyGVK, networkPolicyNm, deny},
	}, nil
}

// specOf is a typed spec as JSON, nil for a nil pointer.
func specOf[T any](spec *T) (map[string]any, error) {
	if spec == nil {
		return nil, nil
	}
	return runtime.DefaultUnstructuredConverter.ToUnstructured(spec)
}

// reconcileNamespace applies the tenant's Namespace and the environment's
// objects in it. A tenant on another cluster has no local namespace: its
// Application creates one there.
func (s *Supervisor) reconcileNamespace(ctx context.Context, t *tenantv1.Tenant, f facts, cfg *clusterconfig.ClusterConfig) (metav1.Condition, error) {
	const typ = tenantv1.ConditionNamespaceReady
	if f.remote {
		return isTrue(typ, ReasonCreatedByApplication,
			"tenant on cluster %s: its Application creates namespace %s there, with the tenant's labels", f.cluster, f.namespace), nil
	}
	_, err := s.ensure(ctx, t, desiredNamespace(t, f, cfg))
	switch {
	case errors.Is(err, errNotOwned):
		return isFalse(typ, ReasonNamespaceConflict,
			"namespace %s exists and is not owned by Tenant %s; tenantguard never adopts a namespace: delete it, or delete this Tenant and create one with another spec.namespace",
			f.namespace, t.Name), nil
	case errors.Is(err, errTerminating):
		return isFalse(typ, ReasonDeleting, "namespace %s is being deleted; it is created again once it is gone", f.namespace), nil
	case err != nil:
		return applyFailed(typ, "namespace "+f.namespace, err), err
	}
	if err := s.reconcileNamespaceResources(ctx, t, f, cfg); err != nil {
		return applyFailed(typ, "the objects of namespace "+f.namespace, err), err
	}
	return isTrue(typ, ReasonApplied, "namespace %s applied", f.namespace), nil
}

// reconcileNamespaceResources applies the objects the environment asks for
// and deletes those it no longer asks for (only the Tenant's own).
func (s *Supervisor) reconcileNamespaceResources(ctx context.Context, t *tenantv1.Tenant, f facts, cfg *clusterconfig.ClusterConfig) error {
	resources, err := namespaceResources(f, cfg)
	if err != nil {
		return err
	}
	for _, r := range resources {
		key := client.ObjectKey{Namespace: f.namespace, Name: r.name}
		if r.spec == nil {
			// Only an object in the cache, which holds what carries the
			// supervisor's label, can be one it made: the API server is not
			// asked about every kind an environment leaves out.
			if !s.cached(ctx, r.gvk, key) {
				continue
			}
			if _, _, err := s.remove(ctx, t, r.gvk, key); err != nil {
				return err
			}
			continue
		}
		desired := object(r.gvk, f.namespace, r.name, t, tenantLabels(f), nil)
		desired.Object["spec"] = r.spec
		if _, err := s.ensure(ctx, t, desired); err != nil {
			return fmt.Errorf("%s %s/%s: %w", r.gvk.Kind, f.namespace, r.name, err)
		}
	}
	return nil
}
