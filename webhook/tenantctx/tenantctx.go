// Package tenantctx finds the Tenant an Application belongs to, so that the
// defaults and the rules see the tenant's environment, arch, namespace and
// mirror: the Tenant its tenantguard.io/tenant label names, else the one that
// owns its destination namespace. The webhook looks Tenants up in the
// manager's cache (Finder), never the API server; `tenantguard eval` in the
// Tenants among its documents (Index).
package tenantctx

import (
	"context"

	tenantv1 "github.com/tenantguard/tenantguard/webhook/api/v1alpha1"
	"github.com/tenantguard/tenantguard/webhook/config"
)

// Lookup finds Tenants, as JSON maps, by name or by the namespace they own.
// Both return nil when there is no such Tenant.
type Lookup interface {
	ByName(ctx context.Context, name string) (map[string]any, error)
	ByNamespace(ctx context.Context, namespace string) (map[string]any, error)
}

// Of returns the Tenant of an Application, or nil when it has none.
func Of(ctx context.Context, lookup Lookup, app map[string]any) (map[string]any, error) {
	if name := label(app, tenantv1.TenantLabel); name != "" {
		return lookup.ByName(ctx, name)
	}
	if namespace := destinationNamespace(app); namespace != "" {
		return lookup.ByNamespace(ctx, namespace)
	}
	return nil, nil
}

// OwnedNamespace is the namespace a Tenant owns: spec.namespace, or the
// configured prefix and its name.
func OwnedNamespace(name, namespace string, cfg *config.ClusterConfig) string {
	if namespace != "" {
		return namespace
	}
	return cfg.TenantNamespace(name)
}

func label(obj map[string]any, key string) string {
	meta, _ := obj["metadata"].(map[string]any)
	labels, _ := meta["labels"].(map[string]any)
	value, _ := labels[key].(string)
	return value
}

func destinationNamespace(app map[string]any) string {
	spec, _ := app["spec"].(map[string]any)
	dest, _ := spec["destination"].(map[string]any)
	ns, _ := dest["namespace"].(string)
	return ns
}
