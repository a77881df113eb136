package offline

import (
	"github.com/tenantguard/tenantguard/webhook/config"
	"github.com/tenantguard/tenantguard/webhook/model"
	"github.com/tenantguard/tenantguard/webhook/tenantctx"
)

// tenantsAmong picks the Tenant objects among docs, in order.
func tenantsAmong(docs []Document) []map[string]any {
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
func TenantIndex(docs []Document, cfg *config.ClusterConfig) *tenantctx.Index {
	return tenantctx.NewIndex(tenantsAmong(docs), cfg)
}
