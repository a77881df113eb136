package offline

import "strings"

// Tenants picks the Tenant objects among docs. eval hands them to the policies
// as data.tenantguard.tenants, so Applications are judged with their Tenant's context.
func Tenants(docs []Document) []map[string]any {
	var tenants []map[string]any
	for _, doc := range docs {
		apiVersion, _ := doc.Object["apiVersion"].(string)
		if doc.Object["kind"] == "Tenant" && strings.HasPrefix(apiVersion, "tenantguard.io/") {
			tenants = append(tenants, doc.Object)
		}
	}
	return tenants
}
