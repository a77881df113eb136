package defaults_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/defaults"
)

// exception decodes a PolicyException with the given spec.
func exception(t testing.TB, spec string) map[string]any {
	t.Helper()
	obj, err := decode.Object([]byte(`{"apiVersion":"tenantguard.io/v1alpha1","kind":"PolicyException",`+
		`"metadata":{"name":"inc-4211"},"spec":`+spec+`}`), field.NewPath("object"))
	require.NoError(t, err)
	return obj
}

func TestPolicyExceptionRecordsTheRequestsUserAsApprover(t *testing.T) {
	approvedBy := []string{"spec", "approvedBy"}
	tests := map[string]struct {
		spec, user  string
		wantSpec    string
		wantChanges []defaults.Change
	}{
		"an exception without an approver gets the request's user": {
			spec: `{"reason":"INC-4211"}`, user: "alice",
			wantSpec:    `{"reason":"INC-4211","approvedBy":"alice"}`,
			wantChanges: []defaults.Change{{Field: "spec.approvedBy", Value: "alice", At: approvedBy}},
		},
		"the approver the requester wrote is replaced": {
			spec: `{"approvedBy":"the-cto"}`, user: "alice",
			wantSpec:    `{"approvedBy":"alice"}`,
			wantChanges: []defaults.Change{{Field: "spec.approvedBy", Value: "alice", At: approvedBy}},
		},
		"an approver that is the request's user is left as it is": {
			spec: `{"approvedBy":"alice"}`, user: "alice", wantSpec: `{"approvedBy":"alice"}`,
		},
		"a manifest read without a user gets nothing": {
			spec: `{"approvedBy":"the-cto"}`, wantSpec: `{"approvedBy":"the-cto"}`,
		},
		"a spec that is not an object is left for the rules to refuse": {
			spec: `"waive everything"`, user: "alice", wantSpec: `"waive everything"`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := exception(t, tc.spec)
			changes := defaults.PolicyException(e, tc.user)
			assert.Equal(t, tc.wantChanges, changes)
			got, err := json.Marshal(e["spec"])
			require.NoError(t, err)
			assert.JSONEq(t, tc.wantSpec, string(got))
		})
	}
}
