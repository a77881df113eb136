package tenantlookup

import (
	"context"
	"slices"
	"strings"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

// Index looks Tenants up among JSON maps, such as the documents of `tenantguard eval`.
type Index struct {
	byName      map[string]map[string]any
	byNamespace map[string][]map[string]any
}

var _ Lookup = &Index{}

// NewIndex indexes tenants by name and by the namespace they own; of Tenants
// that share a name, the first counts (model.FirstOfName).
func NewIndex(tenants []map[string]any, cfg *clusterconfig.ClusterConfig) *Index {
	idx := &Index{byName: map[string]map[string]any{}, byNamespace: map[string][]map[string]any{}}
	for _, t := range model.FirstOfName(tenants) {
		idx.byName[model.Name(t)] = t
		owned := model.OwnedNamespace(t, cfg)
		idx.byNamespace[owned] = append(idx.byNamespace[owned], t)
	}
	for _, owners := range idx.byNamespace {
		slices.SortFunc(owners, func(a, b map[string]any) int { return strings.Compare(model.Name(a), model.Name(b)) })
	}
	return idx
}

// ByName returns the Tenant of that name.
func (i *Index) ByName(_ context.Context, name string) (map[string]any, error) {
	return i.byName[name], nil
}

// Owners returns the Tenants that own namespace.
func (i *Index) Owners(_ context.Context, namespace string) ([]map[string]any, error) {
	return i.byNamespace[namespace], nil
}
