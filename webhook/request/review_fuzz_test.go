package request

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/test/support/reviews"
)

// FuzzDecodeReviewReadsAsEncodingJSON holds the review reader to what
// encoding/json reads from the same body: every body it reads is read, to the
// same request (its objects compared as decoded, not byte for byte).
func FuzzDecodeReviewReadsAsEncodingJSON(f *testing.F) {
	app := reviews.Application("shop", "shop", "staging", "HEAD", 10)
	f.Add(reviews.ApplicationRequest("uid-1", "UPDATE", "alice", app, app).Encode())
	f.Add(reviews.ApplicationRequest("uid-2", "CREATE", "bob", app, nil).Encode())
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"UID":"u","uid":"v","userInfo":{"extra":{"a":["b"]}},"object":null}}`))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"\xff","object":{"a":1},"dryRun":true,"options":{}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var want admissionv1.AdmissionReview
		wantErr := json.Unmarshal(body, &want)
		limits := clusterconfig.DefaultLimits()
		limits.MaxDepth = 64
		if _, err := MeasureShape(body, limits); err != nil || wantErr != nil || want.Request == nil ||
			want.GroupVersionKind() != admissionv1.SchemeGroupVersion.WithKind("AdmissionReview") {
			return // refused either way; the refusals are tested on their own
		}
		got, err := decodeReview(body)
		require.NoError(t, err, "encoding/json reads %q", body)
		wantReq := *want.Request
		gotReq := got.AdmissionRequest
		assert.Equal(t, asObject(t, wantReq.Object.Raw), asObject(t, gotReq.Object.Raw))
		assert.Equal(t, asObject(t, wantReq.OldObject.Raw), asObject(t, gotReq.OldObject.Raw))
		assert.Equal(t, asObject(t, wantReq.Options.Raw), asObject(t, gotReq.Options.Raw))
		wantReq.Object, wantReq.OldObject, wantReq.Options = gotReq.Object, gotReq.OldObject, gotReq.Options
		assert.Equal(t, wantReq, gotReq)
	})
}

// asObject decodes raw as the pipeline does, or keeps the error's absence only.
func asObject(t *testing.T, raw []byte) any {
	obj, err := decode.Object(raw, field.NewPath("object"))
	if err != nil {
		return "not an object"
	}
	return obj
}
