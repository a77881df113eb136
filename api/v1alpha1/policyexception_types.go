package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The types and reasons of the condition the exception controller reports in
// PolicyExceptionStatus.
const (
	// ConditionExpired is True once the exception's expiry has passed: from
	// then on it waives nothing, and it stays as the record of what was waived.
	ConditionExpired = "Expired"
	// StateActive and StateExpired are PolicyExceptionStatus.State's values.
	StateActive  = "Active"
	StateExpired = "Expired"
)

// PolicyExceptionSpec waives named rules for named objects until an expiry.
type PolicyExceptionSpec struct {
	// Rules are the ids of the rules waived; never every rule.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	// +listType=set
	Rules []string `json:"rules"`

	// Match says which objects the rules are waived for.
	Match ExceptionMatch `json:"match"`

	// Reason says why the rules are waived, such as the incident it serves.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	Reason string `json:"reason"`

	// RequestedBy names who asked for the exception.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	RequestedBy string `json:"requestedBy"`

	// Expires is when the exception stops waiving anything, no further out
	// than the cluster config's exceptions.maxDuration allows.
	// +optional
	Expires *metav1.Time `json:"expires,omitempty"`

	// ApprovedBy is the user who created or last changed the exception, one
	// of the cluster config's approvers. tenantguard's mutating webhook writes
	// it from the admission request; what the requester writes is replaced.
	// +optional
	ApprovedBy string `json:"approvedBy,omitempty"`
}

// ExceptionMatch selects the objects a PolicyException is for. Every field
// given must match; an exception that names neither objects nor a tenant is
// refused unless the cluster config's exceptions.allowWideMatch is set.
type ExceptionMatch struct {
	// Kind is the kind of the objects: Application, ApplicationSet or Tenant.
	// +kubebuilder:validation:Enum=Application;ApplicationSet;Tenant
	Kind string `json:"kind"`

	// Namespace is the objects' namespace; any namespace when empty.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Names are the objects' names; any name when empty.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	// +listType=set
	Names []string `json:"names,omitempty"`

	// Tenant is the tenant the objects belong to: an Application's or
	// ApplicationSet's Tenant, or the Tenant itself; any tenant when empty.
	// +optional
	Tenant string `json:"tenant,omitempty"`
}

// PolicyExceptionStatus is what the exception controller observed.
type PolicyExceptionStatus struct {
	// State is Active until the expiry, then Expired.
	// +optional
	State string `json:"state,omitempty"`

	// Conditions holds the Expired condition.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// PolicyException waives named rules for named objects until it expires,
// for a stated reason. Every runner honours it alike: the webhooks, eval,
// conftest and the audit report a waived finding as waived, never drop it.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=pex
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Rules",type=string,JSONPath=`.spec.rules`
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=`.spec.match.kind`
// +kubebuilder:printcolumn:name="Names",type=string,JSONPath=`.spec.match.names`
// +kubebuilder:printcolumn:name="Tenant",type=string,JSONPath=`.spec.match.tenant`
// +kubebuilder:printcolumn:name="Expires",type=string,format=date-time,JSONPath=`.spec.expires`
// +kubebuilder:printcolumn:name="State",type=string,JSONPath=`.status.state`
// +kubebuilder:printcolumn:name="Approved-By",type=string,JSONPath=`.spec.approvedBy`,priority=1
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.spec.reason`,priority=1
type PolicyException struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is what is waived, for what, until when and why.
	Spec PolicyExceptionSpec `json:"spec"`
	// Status is what the exception controller observed.
	// +optional
	Status PolicyExceptionStatus `json:"status,omitempty"`
}

// PolicyExceptionList is a list of PolicyExceptions.
//
// +kubebuilder:object:root=true
type PolicyExceptionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the PolicyExceptions.
	Items []PolicyException `json:"items"`
}
