// Package v1alpha1 is tenantguard's API, group tenantguard.io, version v1alpha1:
// the cluster-scoped Tenant.
//
// +kubebuilder:object:generate=true
// +groupName=tenantguard.io
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is the group and version of tenantguard's API.
var GroupVersion = schema.GroupVersion{Group: "tenantguard.io", Version: "v1alpha1"}

// AddToScheme adds tenantguard's types to a scheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &Tenant{}, &TenantList{}, &PolicyException{}, &PolicyExceptionList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
