package model

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Kind is a kind of object tenantguard admits.
type Kind string

const (
	// KindApplication is Argo CD's Application, group argoproj.io.
	KindApplication Kind = "Application"
	// KindApplicationSet is Argo CD's ApplicationSet, group argoproj.io.
	KindApplicationSet Kind = "ApplicationSet"
	// KindTenant is tenantguard's own Tenant, group tenantguard.io.
	KindTenant Kind = "Tenant"
	// KindPolicyException is tenantguard's PolicyException, group
	// tenantguard.io: the rules under rules/policyexception judge who writes
	// one and what it may waive.
	KindPolicyException Kind = "PolicyException"
)

// kinds maps the group and kind of an object to the Kind it is admitted as.
var kinds = map[schema.GroupKind]Kind{
	{Group: "argoproj.io", Kind: "Application"}:        KindApplication,
	{Group: "argoproj.io", Kind: "ApplicationSet"}:     KindApplicationSet,
	{Group: "tenantguard.io", Kind: "Tenant"}:          KindTenant,
	{Group: "tenantguard.io", Kind: "PolicyException"}: KindPolicyException,
}

// KindOf returns the Kind of a group and kind, and whether tenantguard admits it.
func KindOf(gk schema.GroupKind) (Kind, bool) {
	kind, ok := kinds[gk]
	return kind, ok
}

// KindOfObject returns the Kind of an object from its apiVersion and kind.
func KindOfObject(obj map[string]any) (Kind, bool) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	return KindOf(schema.FromAPIVersionAndKind(apiVersion, kind).GroupKind())
}
