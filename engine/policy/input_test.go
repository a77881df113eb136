package policy

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authenticationv1 "k8s.io/api/authentication/v1"

	"github.com/tenantguard/tenantguard/engine/tenantlookup"
)

// The input built straight as a Rego value is the document the rules are
// written against (policies/README.md), field by field.
func TestInputIsTheDocumentTheRulesRead(t *testing.T) {
	app := map[string]any{"kind": "Application", "spec": map[string]any{"sources": []any{map[string]any{"path": "a"}}, "replicas": int64(2), "ratio": 0.5, "on": true, "off": nil}}
	old := map[string]any{"kind": "Application"}
	tenant := map[string]any{"kind": "Tenant", "metadata": map[string]any{"name": "shop"}}
	tests := map[string]struct {
		in   Input
		want map[string]any
	}{
		"an Application update with its Tenant": {
			in: Input{
				Operation: "UPDATE", Object: app, OldObject: old,
				UserInfo: authenticationv1.UserInfo{Username: "alice", UID: "u1", Groups: []string{"g1", "g2"}},
				Tenant:   tenantlookup.Context{Tenant: tenant, Lookup: &tenantlookup.Search{Label: "shop", Namespace: "tenant-shop", Matches: []string{"shop"}}},
			},
			want: map[string]any{
				"operation": "UPDATE", "object": app, "oldObject": old, "tenant": tenant,
				"userInfo":     map[string]any{"username": "alice", "uid": "u1", "groups": []any{"g1", "g2"}},
				"tenantLookup": map[string]any{"label": "shop", "namespace": "tenant-shop", "matches": []any{"shop"}},
			},
		},
		"a Tenant creation, no user, no claims": {
			in: Input{Operation: "CREATE", Object: tenant, Tenant: tenantlookup.Context{NamespaceClaims: []string{}}},
			want: map[string]any{
				"operation": "CREATE", "object": tenant, "namespaceClaims": []any{},
				"userInfo": map[string]any{"username": "", "uid": "", "groups": []any{}},
			},
		},
		"a deletion, no Tenant context": {
			in: Input{Operation: "DELETE", OldObject: tenant},
			want: map[string]any{
				"operation": "DELETE", "oldObject": tenant,
				"userInfo": map[string]any{"username": "", "uid": "", "groups": []any{}},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := tt.in.astValue()
			require.NoError(t, err)
			want, err := ast.InterfaceToValue(tt.want)
			require.NoError(t, err)
			assert.Equal(t, 0, want.Compare(got), "got %v\nwant %v", got, want)
		})
	}
}
