package tenantctx

import (
	"context"

	"github.com/tenantguard/tenantguard/webhook/config"
)

// Index looks Tenants up among JSON maps, such as the documents of `tenantguard eval`.
type Index struct {
	byName, byNamespace map[string]map[string]any
}

var _ Lookup = &Index{}

// NewIndex indexes tenants by name and by the namespace they own. Of two
// Tenants with one name, the first counts, as it does for the policies.
func NewIndex(tenants []map[string]any, cfg *config.ClusterConfig) *Index {
	idx := &Index{byName: map[string]map[string]any{}, byNamespace: map[string]map[string]any{}}
	for _, t := range tenants {
		meta, _ := t["metadata"].(map[string]any)
		spec, _ := t["spec"].(map[string]any)
		name, _ := meta["name"].(string)
		namespace, _ := spec["namespace"].(string)
		owned := OwnedNamespace(name, namespace, cfg)
		if _, seen := idx.byName[name]; !seen { // the first Tenant of a name counts
			idx.byName[name] = t
			idx.byNamespace[owned] = t
		}
	}
	return idx
}

// ByName returns the Tenant of that name.
func (i *Index) ByName(_ context.Context, name string) (map[string]any, error) {
	return i.byName[name], nil
}

// ByNamespace returns the Tenant that owns namespace.
func (i *Index) ByNamespace(_ context.Context, namespace string) (map[string]any, error) {
	return i.byNamespace[namespace], nil
}
