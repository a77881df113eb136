package policy

import (
	"fmt"

	authenticationv1 "k8s.io/api/authentication/v1"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/tenantguard/tenantguard/webhook/tenantctx"
)

// Input is what the rules read about one admission review. The same shape is
// built from a rendered manifest by the policies' manifest_review function.
type Input struct {
	// Operation is CREATE, UPDATE, DELETE or CONNECT.
	Operation string
	// Object is the object as it would be stored; nil on DELETE.
	Object map[string]any
	// OldObject is the stored object on UPDATE and DELETE.
	OldObject map[string]any
	// UserInfo is who sent the request.
	UserInfo authenticationv1.UserInfo
	// Tenant is what is known of the object's Tenant: the Application's Tenant
	// and how it was looked for, or the other Tenants claiming a Tenant's namespace.
	Tenant tenantctx.Context
}

func (in Input) astValue() (ast.Value, error) {
	doc := map[string]any{
		"operation": in.Operation,
		"userInfo":  userInfo(in.UserInfo),
	}
	setIfPresent(doc, "object", in.Object)
	setIfPresent(doc, "oldObject", in.OldObject)
	setIfPresent(doc, "tenant", in.Tenant.Tenant)
	if l := in.Tenant.Lookup; l != nil {
		doc["tenantLookup"] = map[string]any{"label": l.Label, "namespace": l.Namespace, "matches": anyList(l.Matches)}
	}
	if in.Tenant.NamespaceClaims != nil {
		doc["namespaceClaims"] = anyList(in.Tenant.NamespaceClaims)
	}
	value, err := ast.InterfaceToValue(doc)
	if err != nil {
		return nil, fmt.Errorf("building policy input: %w", err)
	}
	return value, nil
}

// anyList turns a list of strings into the []any the Rego input conversion reads.
func anyList(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

func setIfPresent(doc map[string]any, key string, obj map[string]any) {
	if obj != nil {
		doc[key] = obj
	}
}

// userInfo mirrors the JSON of authentication/v1 UserInfo without a JSON round trip.
func userInfo(u authenticationv1.UserInfo) map[string]any {
	return map[string]any{"username": u.Username, "uid": u.UID, "groups": anyList(u.Groups)}
}
