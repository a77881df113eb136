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

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/defaults"
)

// admitted decodes raw as the webhook would an Application CREATE, or returns
// nil when the webhook would refuse it.
func admitted(raw []byte) map[string]any {
	req := admission.Request{}
	req.Kind = metav1.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}
	req.Operation = admissionv1.Create
	req.Object = runtime.RawExtension{Raw: raw}
	review, err := decode.Request(req, clusterconfig.DefaultLimits())
	if err != nil {
		return nil
	}
	return review.Object
}

// FuzzApplicationIsIdempotent checks that defaulting an admitted Application
// only adds to it, and that a second pass changes nothing, both on the defaulted
// map itself and on the object kube-apiserver would send back after applying the
// patch. Its Tenant is arm64 on a tainted pool and air-gapped, so that every
// default applies.
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
		`{"kind":"Application","metadata":{"labels":{"tenantguard.io/tenant":""},"finalizers":["a"]},"spec":{"source":{"chart":"c"}}}`,
		`{"kind":"Application","metadata":{"labels":null,"finalizers":null},"spec":{"source":{"path":"p","helm":null}}}`,
		`{"kind":"Application","metadata":"m","spec":{"source":{"path":"p","helm":{"valuesObject":{"global":{"nodeSelector":null}}}}}}`,
		`{"kind":"Application","spec":{"sources":[{"chart":"c","helm":{"valuesObject":{"global":{"tolerations":[],"imageRegistry":""}}}},{"ref":"v"}]}}`,
		`{"kind":"Application","spec":{"source":{"path":"p","helm":{"values":"a: 1","valuesObject":{"global":7}}}}}`,
		`{"kind":"Application","spec":{"source":{"path":"p","kustomize":{}},"sourceHydrator":{"drySource":{"path":"p"}}}}`,
	} {
		f.Add([]byte(seed))
	}
	shop, err := decode.Object([]byte(`{"apiVersion":"tenantguard.io/v1alpha1","kind":"Tenant","metadata":{"name":"shop"},`+
		`"spec":{"environment":"production","arch":"arm64","airGapped":true,"registryMirror":"mirror.example.com"}}`), nil)
	require.NoError(f, err)
	cfg := clusterconfig.Default()
	cfg.TaintedArchPools = []string{"arm64"}

	f.Fuzz(func(t *testing.T, raw []byte) {
		if obj, err := decode.Object(raw, field.NewPath("object")); err != nil || obj == nil {
			t.Skip("not a JSON object")
		}
		app := admitted(raw)
		if app == nil {
			t.Skip("the webhook refuses this object")
		}

		defaults.Application(app, shop, cfg)
		assertOnlyAdded(t, admitted(raw), app, "")
		first, err := json.Marshal(app)
		require.NoError(t, err)

		assert.Empty(t, defaults.Application(app, shop, cfg), "second pass on the defaulted map")
		second, err := json.Marshal(app)
		require.NoError(t, err)
		assert.Equal(t, string(first), string(second))

		patched := admitted(first)
		require.NotNil(t, patched, "the webhook refuses its own output: %s", first)
		assert.Empty(t, defaults.Application(patched, shop, cfg), "second pass on the re-decoded object")
		third, err := json.Marshal(patched)
		require.NoError(t, err)
		assert.Equal(t, string(first), string(third))
	})
}

// FuzzTenantIsIdempotent checks that defaulting a Tenant only adds to it and
// that a second pass, on the map or on the re-decoded patch result, changes nothing.
func FuzzTenantIsIdempotent(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"Tenant","metadata":{"name":"shop"},"spec":{"environment":"staging"}}`,
		`{"kind":"Tenant","metadata":{"name":"shop"}}`,
		`{"kind":"Tenant","metadata":{"name":"shop"},"spec":null}`,
		`{"kind":"Tenant","metadata":{"name":""},"spec":{"namespace":"","arch":null,"destination":""}}`,
		`{"kind":"Tenant","metadata":{"name":"shop"},"spec":{"airGapped":true,"registryMirror":""}}`,
		`{"kind":"Tenant","metadata":{"name":"shop"},"spec":{"airGapped":"true","arch":7,"namespace":["x"]}}`,
		`{"kind":"Tenant","metadata":"shop","spec":"staging"}`,
	} {
		f.Add([]byte(seed))
	}
	cfg := clusterconfig.Default()
	cfg.Defaults.RegistryMirror = "mirror.example.com"

	f.Fuzz(func(t *testing.T, raw []byte) {
		obj, err := decode.Object(raw, field.NewPath("object"))
		if err != nil || obj == nil {
			t.Skip("not a JSON object")
		}
		before, _ := decode.Object(raw, nil)

		defaults.Tenant(obj, cfg)
		assertOnlyAdded(t, before, obj, "")
		first, err := json.Marshal(obj)
		require.NoError(t, err)

		assert.Empty(t, defaults.Tenant(obj, cfg), "second pass on the defaulted map")
		patched, err := decode.Object(first, nil)
		require.NoError(t, err)
		assert.Empty(t, defaults.Tenant(patched, cfg), "second pass on the re-decoded object")
		again, err := json.Marshal(patched)
		require.NoError(t, err)
		assert.Equal(t, string(first), string(again))
	})
}
