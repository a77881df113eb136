// Package clusterconfig is tenantguard's cluster config: one YAML document, mounted
// from a ConfigMap in a cluster or given to `tenantguard eval --config`. It is
// read over the defaults, validated with errors that name the key, and handed to
// the policies as data.tenantguard.config.
package clusterconfig

// ClusterConfig is the cluster config. Every field is optional; its default is
// written in its comment and in Default.
type ClusterConfig struct {
	// Defaults are the values filled into Tenants that leave them empty.
	Defaults Defaults `json:"defaults"`
	// ValuePaths are the dotted Helm value paths the Application defaults write to.
	ValuePaths ValuePaths `json:"valuePaths"`
	// Arches are the CPU architectures the cluster has nodes for. Defaults to amd64 and arm64.
	Arches []string `json:"arches"`
	// TaintedArchPools are the arches whose node pools are tainted, so that tenants
	// on them also get a toleration. Defaults to none.
	TaintedArchPools []string `json:"taintedArchPools"`
	// Environments maps each environment to its directory in the tenants
	// repository. Defaults to staging → staging, production → production.
	Environments map[string]string `json:"environments"`
	// AllowedRepos are the repoURLs Applications may read; empty turns the
	// app-repo-allowed rule off. Defaults to empty.
	AllowedRepos []string `json:"allowedRepos"`
	// TrackingRefs are the revisions git sources may track. Defaults to HEAD.
	TrackingRefs []string `json:"trackingRefs"`
	// ImageTagKeys are the value keys that carry image tags, owned by
	// values-images.yaml in production. Defaults to imageTag and image.tag.
	ImageTagKeys []string `json:"imageTagKeys"`
	// TenantNaming says how a tenant's namespace and project are named.
	TenantNaming TenantNaming `json:"tenantNaming"`
	// TrustedIdentities are the users that may point Applications at production
	// paths. Defaults to the service account of `tenantguard serve` as the chart
	// and config/default install it (tenantguard in tenantguard-system), which
	// the supervisor writes with, and Argo CD's ApplicationSet controller's.
	TrustedIdentities []string `json:"trustedIdentities"`
	// ApplicationSetControllers are the trusted identities that create
	// Applications for ApplicationSets (Argo CD's ApplicationSet controller):
	// their trust covers only an Application owned by an ApplicationSet,
	// which the validating webhook judged, every Application it can generate,
	// before storing it. Any other Application they write is judged as a
	// person's. Defaults to Argo CD's ApplicationSet controller's service account.
	ApplicationSetControllers []string `json:"applicationSetControllers"`
	// Enforcement overrides rules' default enforcement: rule id → deny, warn or dryrun.
	Enforcement map[string]string `json:"enforcement"`
	// ExcludedNamespaces are namespaces whose objects tenantguard leaves alone. Defaults to kube-system.
	ExcludedNamespaces []string `json:"excludedNamespaces"`
	// Limits bound what one admission review may carry.
	Limits Limits `json:"limits"`
	// Supervisor says what the supervisor makes of each Tenant.
	Supervisor Supervisor `json:"supervisor"`
	// Promotion says what `tenantguard changes` guards in the platform repository.
	Promotion Promotion `json:"promotion"`
	// Exceptions says who may waive rules with a PolicyException and for how long.
	Exceptions Exceptions `json:"exceptions"`
}

// Defaults are the values filled into Tenants that leave them empty.
type Defaults struct {
	// Arch is a Tenant's CPU architecture. Defaults to amd64.
	Arch string `json:"arch"`
	// RegistryMirror is the registry air-gapped Tenants pull from. Defaults to none.
	RegistryMirror string `json:"registryMirror"`
	// Destination is the Argo CD cluster Tenants deploy to. Defaults to the in-cluster https://kubernetes.default.svc.
	Destination string `json:"destination"`
}

// ValuePaths are dotted Helm value paths.
type ValuePaths struct {
	// NodeSelector receives the kubernetes.io/arch selector. Defaults to global.nodeSelector.
	NodeSelector string `json:"nodeSelector"`
	// Tolerations receives the toleration of a tainted arch pool. Defaults to global.tolerations.
	Tolerations string `json:"tolerations"`
	// ImageRegistry receives an air-gapped tenant's registry mirror. Defaults to global.imageRegistry.
	ImageRegistry string `json:"imageRegistry"`
}

// TenantNaming says how a tenant's namespace and project are named.
type TenantNaming struct {
	// NamespacePrefix is prepended to a tenant's name to name its namespace. Defaults to "tenant-".
	NamespacePrefix string `json:"namespacePrefix"`
	// ProjectPrefix is prepended to a tenant's name to name its Argo CD project. Defaults to "tenant-".
	ProjectPrefix string `json:"projectPrefix"`
	// MaxNameLength is the longest tenant name allowed. Defaults to 40.
	MaxNameLength int `json:"maxNameLength"`
}

// Default returns the cluster config used when none is given.
func Default() *ClusterConfig {
	return &ClusterConfig{
		Defaults: Defaults{Arch: "amd64", Destination: "https://kubernetes.default.svc"},
		ValuePaths: ValuePaths{
			NodeSelector: "global.nodeSelector", Tolerations: "global.tolerations", ImageRegistry: "global.imageRegistry",
		},
		Arches:           []string{"amd64", "arm64"},
		TaintedArchPools: []string{},
		Environments:     map[string]string{"staging": "staging", "production": "production"},
		AllowedRepos:     []string{},
		TrackingRefs:     []string{"HEAD"},
		ImageTagKeys:     []string{"imageTag", "image.tag"},
		TenantNaming:     TenantNaming{NamespacePrefix: "tenant-", ProjectPrefix: "tenant-", MaxNameLength: 40},
		TrustedIdentities: []string{
			"system:serviceaccount:tenantguard-system:tenantguard",
			"system:serviceaccount:argocd:argocd-applicationset-controller",
		},
		ApplicationSetControllers: []string{"system:serviceaccount:argocd:argocd-applicationset-controller"},
		Enforcement:               map[string]string{},
		ExcludedNamespaces:        []string{"kube-system"},
		Limits:                    DefaultLimits(),
		Supervisor:                DefaultSupervisor(),
		Promotion:                 DefaultPromotion(),
		Exceptions:                DefaultExceptions(),
	}
}

// TenantNamespace is the namespace a tenant owns when its spec names none:
// TenantNaming.NamespacePrefix followed by the tenant's name.
func (c *ClusterConfig) TenantNamespace(tenant string) string {
	return c.TenantNaming.NamespacePrefix + tenant
}

// TenantProject is the Argo CD project of a tenant, as the app-project rule
// expects it: TenantNaming.ProjectPrefix followed by the tenant's name.
func (c *ClusterConfig) TenantProject(tenant string) string {
	return c.TenantNaming.ProjectPrefix + tenant
}
