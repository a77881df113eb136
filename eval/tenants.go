package eval

import (
	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/manifests"
)

// tenantsAmong picks the Tenant objects among docs, in order.
func tenantsAmong(docs []manifests.Document) []map[string]any {
	var tenants []map[string]any
	for _, doc := range docs {
		if kind, ok := model.KindOfObject(doc.Object); ok && kind == model.KindTenant {
			tenants = append(tenants, doc.Object)
		}
	}
	return tenants
}

// TenantIndex is the Tenant lookup of eval: the Tenants among docs, found the
// way the webhook finds them in its cache.
func TenantIndex(docs []manifests.Document, cfg *clusterconfig.ClusterConfig) *tenantlookup.Index {
	return tenantlookup.NewIndex(tenantsAmong(docs), cfg)
}
