package model

import (
	"cmp"
	"slices"
	"strings"

	"github.com/tenantguard/tenantguard/clusterconfig"
)

// OwnedNamespace is the namespace a Tenant owns (see NamespaceOwnedBy).
func OwnedNamespace(tenant map[string]any, cfg *clusterconfig.ClusterConfig) string {
	return NamespaceOwnedBy(Name(tenant), String(tenant, "spec", "namespace"), cfg)
}

// NamespaceOwnedBy is the namespace of a Tenant with this name and
// spec.namespace: spec.namespace, or the cluster's namespace prefix and the name.
func NamespaceOwnedBy(name, specNamespace string, cfg *clusterconfig.ClusterConfig) string {
	return cmp.Or(specNamespace, cfg.TenantNamespace(name))
}

// InClusterServer and InClusterName are how Argo CD names the cluster it runs in.
const (
	InClusterServer = "https://kubernetes.default.svc"
	InClusterName   = "in-cluster"
)

// ClusterOf is the Argo CD cluster of a Tenant whose spec.destination is
// specDestination: that, or the cluster config's default destination.
func ClusterOf(specDestination string, cfg *clusterconfig.ClusterConfig) string {
	return cmp.Or(specDestination, cfg.Defaults.Destination)
}

// DestinationField is the field of an Application's spec.destination that
// names cluster: "server" for a URL, else "name", as app-tenant-destination reads it.
func DestinationField(cluster string) string {
	if strings.Contains(cluster, "://") {
		return "server"
	}
	return "name"
}

// InCluster reports whether cluster is the one Argo CD runs in, by address or by name.
func InCluster(cluster string) bool {
	return cluster == InClusterServer || cluster == InClusterName
}

// EffectiveArch is the CPU architecture a Tenant's workloads run on: its
// spec.arch, else the cluster's default.
func EffectiveArch(tenant map[string]any, cfg *clusterconfig.ClusterConfig) string {
	return cmp.Or(String(tenant, "spec", "arch"), cfg.Defaults.Arch)
}

// FirstOfName keeps, of Tenants that share a name, the first, and leaves out
// Tenants without a name: a cluster cannot hold two Tenants of one name, and
// when files given to eval do, the first one read is the one that counts.
func FirstOfName(tenants []map[string]any) []map[string]any {
	seen := make(map[string]bool, len(tenants))
	return slices.DeleteFunc(slices.Clone(tenants), func(t map[string]any) bool {
		name := Name(t)
		if name == "" || seen[name] {
			return true
		}
		seen[name] = true
		return false
	})
}
