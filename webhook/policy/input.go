package policy

import (
	"fmt"

	authenticationv1 "k8s.io/api/authentication/v1"

	"github.com/open-policy-agent/opa/v1/ast"
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
	// Tenant is the Tenant the object belongs to, when one is known.
	Tenant map[string]any
}

func (in Input) astValue() (ast.Value, error) {
	doc := map[string]any{
		"operation": in.Operation,
		"userInfo":  userInfo(in.UserInfo),
	}
	setIfPresent(doc, "object", in.Object)
	setIfPresent(doc, "oldObject", in.OldObject)
	setIfPresent(doc, "tenant", in.Tenant)
	value, err := ast.InterfaceToValue(doc)
	if err != nil {
		return nil, fmt.Errorf("building policy input: %w", err)
	}
	return value, nil
}

func setIfPresent(doc map[string]any, key string, obj map[string]any) {
	if obj != nil {
		doc[key] = obj
	}
}

// userInfo mirrors the JSON of authentication/v1 UserInfo without a JSON round trip.
func userInfo(u authenticationv1.UserInfo) map[string]any {
	groups := make([]any, len(u.Groups))
	for i, g := range u.Groups {
		groups[i] = g
	}
	return map[string]any{"username": u.Username, "uid": u.UID, "groups": groups}
}
