package defaults_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/webhook/decode"
	"github.com/tenantguard/tenantguard/webhook/defaults"
)

// admitted decodes raw as the webhook would an Application CREATE, or returns
// nil when the webhook would refuse it.
func admitted(raw []byte) map[string]any {
	req := admission.Request{}
	req.Kind = metav1.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}
	req.Operation = admissionv1.Create
	req.Object = runtime.RawExtension{Raw: raw}
	review, err := decode.Request(req)
	if err != nil {
		return nil
	}
	return review.Object
}

// FuzzApplicationIsIdempotent checks that defaulting an admitted Application a
// second time changes nothing, both on the defaulted map itself and on the
// object kube-apiserver would send back after applying the patch.
func FuzzApplicationIsIdempotent(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"Application","spec":{"source":{"repoURL":"r","path":"p"}}}`,
		`{"kind":"Application","spec":{"source":{"repoURL":"r","targetRevision":""}}}`,
		`{"kind":"Application","spec":{"source":{"repoURL":"r","targetRevision":null}}}`,
		`{"kind":"Application","spec":{"source":{"repoURL":"r","targetRevision":"3f1c9a0"}}}`,
		`{"kind":"Application","spec":{"sources":[{"repoURL":"a"},{"repoURL":"b","targetRevision":"main"},{}]}}`,
		`{"kind":"Application","spec":{"sourceHydrator":{"drySource":{"repoURL":"r"},"syncSource":{"targetBranch":"env"}}}}`,
		`{"kind":"Application","spec":{"source":{"repoURL":"r"},"sources":[],"sourceHydrator":null,"n":12345678901234567890}}`,
		`{"kind":"Application","metadata":{"annotations":{"a":"<&>"}},"spec":{"source":{"repoURL":"r","helm":{"values":"x: 1e400"}}}}`,
		`{"kind":"Application","spec":{}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if obj, err := decode.Object(raw, field.NewPath("object")); err != nil || obj == nil {
			t.Skip("not a JSON object")
		}
		app := admitted(raw)
		if app == nil {
			t.Skip("the webhook refuses this object")
		}

		defaults.Application(app)
		first, err := json.Marshal(app)
		require.NoError(t, err)

		assert.Empty(t, defaults.Application(app), "second pass on the defaulted map")
		second, err := json.Marshal(app)
		require.NoError(t, err)
		assert.Equal(t, string(first), string(second))

		patched := admitted(first)
		require.NotNil(t, patched, "the webhook refuses its own output: %s", first)
		assert.Empty(t, defaults.Application(patched), "second pass on the re-decoded object")
		third, err := json.Marshal(patched)
		require.NoError(t, err)
		assert.Equal(t, string(first), string(third))
	})
}
