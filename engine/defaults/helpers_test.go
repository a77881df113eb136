package defaults_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/defaults"
)

// application decodes an Application with the given spec the way the webhook does.
func application(t testing.TB, spec string) map[string]any {
	t.Helper()
	return applicationWithMetadata(t, `{"name":"shop","namespace":"argocd"}`, spec)
}

// applicationWithMetadata decodes an Application with the given metadata and spec.
func applicationWithMetadata(t testing.TB, metadata, spec string) map[string]any {
	t.Helper()
	obj, err := decode.Object([]byte(`{"apiVersion":"argoproj.io/v1alpha1","kind":"Application",`+
		`"metadata":`+metadata+`,"spec":`+spec+`}`), field.NewPath("object"))
	require.NoError(t, err)
	return obj
}

// tenant decodes a Tenant named name with the given spec.
func tenant(t testing.TB, name, spec string) map[string]any {
	t.Helper()
	obj, err := decode.Object([]byte(`{"apiVersion":"tenantguard.io/v1alpha1","kind":"Tenant",`+
		`"metadata":{"name":"`+name+`"},"spec":`+spec+`}`), field.NewPath("object"))
	require.NoError(t, err)
	return obj
}

// configWith returns the default cluster config changed by edit, when given.
func configWith(edit func(*clusterconfig.ClusterConfig)) *clusterconfig.ClusterConfig {
	cfg := clusterconfig.Default()
	if edit != nil {
		edit(cfg)
	}
	return cfg
}

// toJSON writes v as json.Marshal does: keys sorted, numbers as decoded.
func toJSON(t testing.TB, v any) string {
	t.Helper()
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return string(out)
}

func specJSON(t *testing.T, app map[string]any) string {
	t.Helper()
	return toJSON(t, app["spec"])
}

// fieldsOf lists the fields the changes set, in order.
func fieldsOf(changes []defaults.Change) []string {
	var fields []string
	for _, c := range changes {
		fields = append(fields, c.Field)
	}
	return fields
}

// valueChanges keeps the changes made inside helm.valuesObject.
func valueChanges(changes []defaults.Change) []defaults.Change {
	return changesWhere(changes, func(field string) bool { return strings.Contains(field, ".helm.valuesObject.") })
}

// metadataChanges keeps the changes made to labels and finalizers.
func metadataChanges(changes []defaults.Change) []defaults.Change {
	return changesWhere(changes, func(field string) bool { return strings.HasPrefix(field, "metadata.") })
}

func changesWhere(changes []defaults.Change, keep func(field string) bool) []defaults.Change {
	var kept []defaults.Change
	for _, c := range fieldValues(changes) {
		if keep(c.Field) {
			kept = append(kept, c)
		}
	}
	return kept
}

// fieldValues keeps of each change its field and value, for tests about what
// was set; where the patch adds it (At) is held by the tests of tenant_application_test.go
// and by the properties, which apply the patch.
func fieldValues(changes []defaults.Change) []defaults.Change {
	var out []defaults.Change
	for _, c := range changes {
		out = append(out, defaults.Change{Field: c.Field, Value: c.Value})
	}
	return out
}

// assertOnlyAdded checks that after keeps all that before holds: nothing
// overwritten, removed or reordered. Only an absent, null or empty Kubernetes
// field may be filled in, never one inside Helm values, where null and "" are
// values; only metadata.finalizers may grow, at its end.
func assertOnlyAdded(t *testing.T, before, after any, path string) {
	t.Helper()
	switch b := before.(type) {
	case map[string]any:
		a, ok := after.(map[string]any)
		require.True(t, ok, "%s is no longer an object: %v", path, after)
		for key, bv := range b {
			child := strings.TrimPrefix(path+"."+key, ".")
			if (bv == nil || bv == "") && !strings.Contains(child, ".valuesObject.") {
				continue
			}
			av, present := a[key]
			require.True(t, present, "%s was removed", child)
			assertOnlyAdded(t, bv, av, child)
		}
	case []any:
		a, ok := after.([]any)
		require.True(t, ok, "%s is no longer a list: %v", path, after)
		if path == "metadata.finalizers" {
			require.GreaterOrEqual(t, len(a), len(b), "%s lost entries", path)
		} else {
			require.Len(t, a, len(b), "%s changed length", path)
		}
		for i := range b {
			assertOnlyAdded(t, b[i], a[i], fmt.Sprintf("%s[%d]", path, i))
		}
	default:
		require.Equal(t, before, after, "%s was overwritten", path)
	}
}
