package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Labels and annotations tenantguard reads and writes.
const (
	// TenantLabel names the tenant an Application belongs to.
	TenantLabel = "tenantguard.io/tenant"
	// EnvironmentLabel names the environment of an Application.
	EnvironmentLabel = "tenantguard.io/environment"
	// AllowDeleteAnnotation set to "true" lets a production Tenant be deleted.
	AllowDeleteAnnotation = "tenantguard.io/allow-delete"
	// Finalizer holds a Tenant until the supervisor has deleted what it made
	// for it: the Application first, then the AppProject and the Namespace.
	Finalizer = "tenantguard.io/supervisor"
)

// The types of the conditions the supervisor reports in TenantStatus.
const (
	// ConditionReady is True when every other condition is True.
	ConditionReady = "Ready"
	// ConditionNamespaceReady is True when the tenant's namespace (and the
	// environment's quota, limits and network policy) is as the supervisor
	// wrote it, or, for a tenant on another cluster, left to the Application.
	ConditionNamespaceReady = "NamespaceReady"
	// ConditionProjectReady is True when the tenant's AppProject is as the supervisor wrote it.
	ConditionProjectReady = "ProjectReady"
	// ConditionApplicationReady is True when the tenant's Application is as the
	// supervisor wrote it. Argo CD's sync and health are reported beside it, in
	// TenantStatus.Sync and TenantStatus.Health.
	ConditionApplicationReady = "ApplicationReady"
)

// ConditionPolicyCompliant is the condition the audit reports in
// TenantStatus, apart from the supervisor's (Ready does not depend on it):
// True when the last audit found nothing wrong with the tenant's
// Applications, False with the count of findings when it did.
const ConditionPolicyCompliant = "PolicyCompliant"

// TenantSpec is what a tenant declares. Fields left empty are filled in by
// tenantguard's mutating webhook from the cluster config.
type TenantSpec struct {
	// Environment is the environment the tenant runs in. Immutable.
	// +kubebuilder:validation:Enum=staging;production
	Environment string `json:"environment"`

	// Arch is the CPU architecture of the nodes the tenant runs on, one the
	// cluster config lists. Defaults to the cluster config's default arch.
	// +optional
	// +kubebuilder:validation:Pattern=`^[a-z0-9]+$`
	Arch string `json:"arch,omitempty"`

	// Cloud is the cloud the tenant runs on. Informational, read by rules.
	// +optional
	// +kubebuilder:validation:Enum=aws;azure;gcp
	Cloud string `json:"cloud,omitempty"`

	// Region is the cloud region, written as the cloud names it.
	// +optional
	// +kubebuilder:validation:Pattern=`^[a-z0-9-]+$`
	Region string `json:"region,omitempty"`

	// AirGapped tenants pull every image from RegistryMirror.
	// +optional
	AirGapped bool `json:"airGapped,omitempty"`

	// RegistryMirror is the registry host (with optional port and path, no
	// scheme) air-gapped tenants pull from. Defaults to the cluster config's mirror.
	// +optional
	RegistryMirror string `json:"registryMirror,omitempty"`

	// Namespace is the namespace the tenant owns. Defaults to tenant-<name>. Immutable.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	Namespace string `json:"namespace,omitempty"`

	// Destination is the Argo CD cluster (server URL or cluster name) the
	// tenant is deployed to. Defaults to the in-cluster https://kubernetes.default.svc.
	// +optional
	Destination string `json:"destination,omitempty"`

	// Components are the supporting services enabled for the tenant, such as grafana or loki.
	// +optional
	// +listType=set
	Components []string `json:"components,omitempty"`
}

// TenantStatus is what tenantguard's supervisor observed of the tenant.
type TenantStatus struct {
	// Conditions are the latest observations of the tenant's state.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Namespace is the namespace created for the tenant.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Project is the Argo CD AppProject, namespace/name, of the tenant.
	// +optional
	Project string `json:"project,omitempty"`

	// Application is the Argo CD Application, namespace/name, that deploys the tenant.
	// +optional
	Application string `json:"application,omitempty"`

	// Sync is the Application's sync status as Argo CD reports it: Synced,
	// OutOfSync or Unknown; empty until Argo CD has compared it.
	// +optional
	Sync string `json:"sync,omitempty"`

	// Health is the Application's health as Argo CD reports it: Healthy,
	// Progressing, Degraded, Suspended, Missing or Unknown; empty until Argo CD has assessed it.
	// +optional
	Health string `json:"health,omitempty"`

	// ObservedGeneration is the generation of the Tenant the supervisor last acted on.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
}

// Tenant is one tenant of the platform: a namespace and an Argo CD
// Application, in one environment, on one architecture.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=tnt
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Environment",type=string,JSONPath=`.spec.environment`
// +kubebuilder:printcolumn:name="Arch",type=string,JSONPath=`.spec.arch`
// +kubebuilder:printcolumn:name="Namespace",type=string,JSONPath=`.spec.namespace`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Sync",type=string,JSONPath=`.status.sync`
// +kubebuilder:printcolumn:name="Health",type=string,JSONPath=`.status.health`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Tenant struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is what the tenant declares.
	Spec TenantSpec `json:"spec"`
	// Status is what was observed of the tenant.
	// +optional
	Status TenantStatus `json:"status,omitempty"`
}

// TenantList is a list of Tenants.
//
// +kubebuilder:object:root=true
type TenantList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the Tenants.
	Items []Tenant `json:"items"`
}
