package tenantctx

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/webhook/api/v1alpha1"
	"github.com/tenantguard/tenantguard/webhook/config"
	"github.com/tenantguard/tenantguard/webhook/model"
)

// NamespaceIndex is the cache index of Tenants by the namespace they own.
const NamespaceIndex = "tenantguard.io/namespace"

// Finder looks Tenants up in the manager's cache, and only there: the API
// server is never read on the request path, and a review never waits for a
// Tenant the cache has not seen, since any client can name Tenants that do not
// exist and would hold a review slot for each.
type Finder struct {
	// Reader is the manager's cache, indexed with IndexTenants.
	Reader client.Reader
}

var _ Lookup = &Finder{}

// IndexTenants indexes the cache's Tenants by the namespace they own.
func IndexTenants(ctx context.Context, indexer client.FieldIndexer, cfg *config.ClusterConfig) error {
	return indexer.IndexField(ctx, &tenantv1.Tenant{}, NamespaceIndex, func(obj client.Object) []string {
		t, ok := obj.(*tenantv1.Tenant)
		if !ok {
			return nil
		}
		return []string{model.NamespaceOwnedBy(t.Name, t.Spec.Namespace, cfg)}
	})
}

// ByName returns the Tenant of that name from the cache, nil when the cache
// has none.
func (f *Finder) ByName(ctx context.Context, name string) (map[string]any, error) {
	var t tenantv1.Tenant
	if err := f.Reader.Get(ctx, client.ObjectKey{Name: name}, &t); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return ToMap(&t)
}

// Owners returns every Tenant that owns namespace, sorted by name.
func (f *Finder) Owners(ctx context.Context, namespace string) ([]map[string]any, error) {
	var list tenantv1.TenantList
	if err := f.Reader.List(ctx, &list, client.MatchingFields{NamespaceIndex: namespace}); err != nil {
		return nil, fmt.Errorf("listing the Tenants of namespace %s: %w", namespace, err)
	}
	slices.SortFunc(list.Items, func(a, b tenantv1.Tenant) int { return strings.Compare(a.Name, b.Name) })
	owners := make([]map[string]any, 0, len(list.Items))
	for i := range list.Items {
		t, err := ToMap(&list.Items[i])
		if err != nil {
			return nil, err
		}
		owners = append(owners, t)
	}
	return owners, nil
}

// ToMap turns a Tenant into the JSON map the defaults and the rules read, as
// the webhook sees it in its cache.
func ToMap(t *tenantv1.Tenant) (map[string]any, error) {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(t)
	if err != nil {
		return nil, fmt.Errorf("converting Tenant %s: %w", t.Name, err)
	}
	obj["apiVersion"] = tenantv1.GroupVersion.String()
	obj["kind"] = "Tenant"
	return obj, nil
}
