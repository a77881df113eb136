package tenantlookup

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/clusterconfig"
)

// NamespaceIndex is the cache index of Tenants by the namespace their spec
// names. A Tenant without one owns the namespace the served config's prefix
// gives its name; that is read at each lookup, not indexed, so that a
// reloaded prefix applies at once to the Tenants already cached.
const NamespaceIndex = "tenantguard.io/spec-namespace"

// Finder looks Tenants up in the manager's cache, and only there: the API
// server is never read on the request path, and a review never waits for a
// Tenant the cache has not seen, since any client can name Tenants that do not
// exist and would hold a review slot for each.
type Finder struct {
	// Reader is the manager's cache, indexed with IndexTenants.
	Reader client.Reader
	// Config is the cluster config being served, read at each lookup.
	Config func() *clusterconfig.ClusterConfig
}

var _ Lookup = &Finder{}

// IndexTenants indexes the cache's Tenants by the namespace their spec names.
func IndexTenants(ctx context.Context, indexer client.FieldIndexer) error {
	return indexer.IndexField(ctx, &tenantv1.Tenant{}, NamespaceIndex, SpecNamespace)
}

// SpecNamespace is the index function of NamespaceIndex.
func SpecNamespace(obj client.Object) []string {
	if t, ok := obj.(*tenantv1.Tenant); ok && t.Spec.Namespace != "" {
		return []string{t.Spec.Namespace}
	}
	return nil
}

// ByName returns the Tenant of that name from the cache, nil when the cache
// has none.
func (f *Finder) ByName(ctx context.Context, name string) (map[string]any, error) {
	t, err := f.get(ctx, name)
	if t == nil || err != nil {
		return nil, err
	}
	return ToMap(t)
}

func (f *Finder) get(ctx context.Context, name string) (*tenantv1.Tenant, error) {
	var t tenantv1.Tenant
	if err := f.Reader.Get(ctx, client.ObjectKey{Name: name}, &t); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return &t, nil
}

// Owners returns every Tenant that owns namespace, sorted by name: those
// whose spec names it, and the one whose name the served prefix makes it.
func (f *Finder) Owners(ctx context.Context, namespace string) ([]map[string]any, error) {
	var list tenantv1.TenantList
	if err := f.Reader.List(ctx, &list, client.MatchingFields{NamespaceIndex: namespace}); err != nil {
		return nil, fmt.Errorf("listing the Tenants of namespace %s: %w", namespace, err)
	}
	owners := list.Items
	if name, ok := strings.CutPrefix(namespace, f.Config().TenantNaming.NamespacePrefix); ok && name != "" {
		named, err := f.get(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("reading Tenant %s of namespace %s: %w", name, namespace, err)
		}
		if named != nil && named.Spec.Namespace == "" {
			owners = append(owners, *named)
		}
	}
	slices.SortFunc(owners, func(a, b tenantv1.Tenant) int { return strings.Compare(a.Name, b.Name) })
	maps := make([]map[string]any, 0, len(owners))
	for i := range owners {
		t, err := ToMap(&owners[i])
		if err != nil {
			return nil, err
		}
		maps = append(maps, t)
	}
	return maps, nil
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
