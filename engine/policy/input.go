package policy

import (
	"fmt"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/tenantguard/tenantguard/engine/tenantlookup"
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
	Tenant tenantlookup.Context
	// Exceptions are the PolicyExceptions that may waive a finding on the
	// object; the rules decide which do (lib.exceptions). A runner may leave
	// out exceptions that cannot match the object, never one that can.
	Exceptions []map[string]any
	// Now is the time the exceptions are judged at; the zero time waives nothing.
	Now time.Time
}

// astValue builds the input document as a Rego value straight from the
// decoded objects, without an intermediate Go document.
func (in Input) astValue() (ast.Value, error) {
	items := make([][2]*ast.Term, 0, 9)
	add := func(key string, value ast.Value) {
		items = append(items, [2]*ast.Term{ast.InternedTerm(key), ast.NewTerm(value)})
	}
	add("operation", ast.String(in.Operation))
	add("userInfo", ast.NewObject(
		[2]*ast.Term{ast.InternedTerm("username"), ast.StringTerm(in.UserInfo.Username)},
		[2]*ast.Term{ast.InternedTerm("uid"), ast.StringTerm(in.UserInfo.UID)},
		[2]*ast.Term{ast.InternedTerm("groups"), ast.NewTerm(stringArray(in.UserInfo.Groups))},
	))
	for _, o := range []struct {
		key string
		obj map[string]any
	}{{"object", in.Object}, {"oldObject", in.OldObject}, {"tenant", in.Tenant.Tenant}} {
		if o.obj == nil {
			continue
		}
		value, err := ast.InterfaceToValue(o.obj)
		if err != nil {
			return nil, fmt.Errorf("building policy input: %s: %w", o.key, err)
		}
		add(o.key, value)
	}
	if l := in.Tenant.Lookup; l != nil {
		add("tenantLookup", ast.NewObject(
			[2]*ast.Term{ast.InternedTerm("label"), ast.StringTerm(l.Label)},
			[2]*ast.Term{ast.InternedTerm("namespace"), ast.StringTerm(l.Namespace)},
			[2]*ast.Term{ast.InternedTerm("matches"), ast.NewTerm(stringArray(l.Matches))},
		))
	}
	if in.Tenant.NamespaceClaims != nil {
		add("namespaceClaims", stringArray(in.Tenant.NamespaceClaims))
	}
	if !in.Now.IsZero() {
		add("now", ast.String(in.Now.UTC().Format(time.RFC3339Nano)))
	}
	if len(in.Exceptions) > 0 {
		value, err := ast.InterfaceToValue(in.Exceptions)
		if err != nil {
			return nil, fmt.Errorf("building policy input: exceptions: %w", err)
		}
		add("exceptions", value)
	}
	return ast.NewObject(items...), nil
}

// stringArray is a list of strings as a Rego array.
func stringArray(list []string) *ast.Array {
	terms := make([]*ast.Term, len(list))
	for i, s := range list {
		terms[i] = ast.StringTerm(s)
	}
	return ast.NewArray(terms...)
}
