package handler_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/webhook/handler"
	"github.com/tenantguard/tenantguard/webhook/request"
)

// review is an AdmissionReview v1 as kube-apiserver sends it.
func review(group, kind, spec string) string {
	return `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{` +
		`"uid":"7f0e2c1a-0000-4000-8000-000000000001",` +
		`"kind":{"group":"` + group + `","version":"v1alpha1","kind":"` + kind + `"},` +
		`"resource":{"group":"argoproj.io","version":"v1alpha1","resource":"applications"},` +
		`"name":"shop","namespace":"argocd","operation":"CREATE","userInfo":{"username":"alice"},` +
		`"object":{"apiVersion":"argoproj.io/v1alpha1","kind":"Application",` +
		`"metadata":{"name":"shop","namespace":"argocd"},"spec":` + spec + `}}}`
}

func application(spec string) string { return review("argoproj.io", "Application", spec) }

// serve posts body to the handler behind the request stage, as the server
// does, and returns the admission response it wrote.
func serve(t *testing.T, h admission.Handler, contentType string, body io.Reader) *admissionv1.AdmissionResponse {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/validate", body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()

	front := &request.Handler{
		Webhook: "test", Limits: clusterconfig.DefaultLimits, Budget: request.NewBudget(64 << 20), Receiving: request.NewBudget(64 << 20),
		Review: &admission.Webhook{Handler: h},
	}
	front.ServeHTTP(rec, req)

	var out admissionv1.AdmissionReview
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
	require.NotNil(t, out.Response)
	require.NotNil(t, out.Response.Result)
	return out.Response
}

// state is the embedded policies with the default cluster config, as served.
func state(t testing.TB) *live.Current {
	t.Helper()
	snapshot, err := live.Loader{}.Load(t.Context())
	require.NoError(t, err)
	return live.NewCurrent(snapshot)
}

func validator(t *testing.T) *handler.Validator {
	return &handler.Validator{State: state(t)}
}

func mutator(t *testing.T) *handler.Mutator {
	return &handler.Mutator{State: state(t)}
}

func TestValidatorDeniesAPinnedApplication(t *testing.T) {
	body := application(`{"source":{"repoURL":"https://git.example.com/platform.git","targetRevision":"3f1c9a0"}}`)

	resp := serve(t, validator(t), "application/json", strings.NewReader(body))

	assert.False(t, resp.Allowed)
	assert.EqualValues(t, http.StatusForbidden, resp.Result.Code)
	assert.Contains(t, resp.Result.Message, "[app-pinned-revision] Application argocd/shop: spec.source.targetRevision")
	assert.EqualValues(t, "7f0e2c1a-0000-4000-8000-000000000001", resp.UID)
}

func TestMutatorPatchesInTheTrackedRevision(t *testing.T) {
	body := application(`{"project":"shop","revisionHistoryLimit":12345678901234567890,"source":{"repoURL":"r"}}`)

	resp := serve(t, mutator(t), "application/json", strings.NewReader(body))

	assert.True(t, resp.Allowed)
	require.NotNil(t, resp.PatchType)
	assert.Equal(t, admissionv1.PatchTypeJSONPatch, *resp.PatchType)
	assert.JSONEq(t, `[{"op":"add","path":"/spec/source/targetRevision","value":"HEAD"}]`, string(resp.Patch))
}

func TestMutatorLeavesAnApplicationWithARevisionAlone(t *testing.T) {
	body := application(`{"source":{"repoURL":"r","targetRevision":"main"}}`)

	resp := serve(t, mutator(t), "application/json", strings.NewReader(body))

	assert.True(t, resp.Allowed)
	assert.Empty(t, resp.Patch)
	assert.Nil(t, resp.PatchType)
}

func TestHandlersRefuseWhatTheyCannotRead(t *testing.T) {
	tests := map[string]struct {
		contentType string
		body        string
		noBody      bool
		wantMessage string
		wantCode    int32
	}{
		"a body that is not JSON is a bad request": {
			contentType: "application/json", body: `{"apiVersion":`,
		},
		"a body sent as YAML is a bad request naming the content type": {
			contentType: "application/yaml", body: application(`{}`),
			wantMessage: "contentType=application/yaml",
		},
		"a request without a body is a bad request": {
			contentType: "application/json", noBody: true, wantMessage: "request body is empty",
		},
		"an empty body is a bad request": {
			contentType: "application/json", body: "",
		},
		"a Deployment is a bad request naming the kind": {
			contentType: "application/json", body: review("apps", "Deployment", `{}`),
			wantMessage: `kind: "Deployment" in group "apps"`,
		},
		"an Application with a null spec is a bad request naming the spec": {
			contentType: "application/json", body: application(`null`),
			wantMessage: "spec: Required value",
		},
		"a body over 4 MiB is refused as too large": {
			contentType: "application/json",
			body:        application(`{"source":{"repoURL":"` + strings.Repeat("x", 4<<20) + `"}}`),
			wantMessage: "(limits.maxReviewBytes)", wantCode: http.StatusRequestEntityTooLarge,
		},
		"an Application with sources that are not a list is a bad request naming them": {
			contentType: "application/json", body: application(`{"sources":{"repoURL":"r"}}`),
			wantMessage: "spec.sources: Invalid value",
		},
		"an Application with a numeric repoURL is a bad request naming the field": {
			contentType: "application/json", body: application(`{"source":{"repoURL":7}}`),
			wantMessage: "spec.source.repoURL: Invalid value",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			handlers := map[string]admission.Handler{"validator": validator(t), "mutator": mutator(t)}
			for hname, h := range handlers {
				var body io.Reader = strings.NewReader(tt.body)
				if tt.noBody {
					body = nil
				}
				resp := serve(t, h, tt.contentType, body)

				assert.False(t, resp.Allowed, hname)
				wantCode := tt.wantCode
				if wantCode == 0 {
					wantCode = http.StatusBadRequest
				}
				assert.Equal(t, wantCode, resp.Result.Code, hname)
				assert.NotEmpty(t, resp.Result.Message, hname)
				assert.Contains(t, resp.Result.Message, tt.wantMessage, hname)
			}
		})
	}
}

// shopTenants is a Tenant lookup holding one arm64 staging Tenant, shop.
func shopTenants() handler.Lookup {
	shop := map[string]any{"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant",
		"metadata": map[string]any{"name": "shop"}, "spec": map[string]any{"environment": "staging", "arch": "arm64"}}
	return tenantlookup.NewIndex([]map[string]any{shop}, clusterconfig.Default())
}

func TestMutatorFillsInTheDefaultsOfTheApplicationsTenant(t *testing.T) {
	body := application(`{"project":"tenant-shop","destination":{"namespace":"tenant-shop"},` +
		`"source":{"repoURL":"https://charts.example.com","chart":"shop","targetRevision":"1.0.0"}}`)

	resp := serve(t, &handler.Mutator{State: state(t), Tenants: shopTenants()}, "application/json", strings.NewReader(body))

	require.True(t, resp.Allowed)
	patch := string(resp.Patch)
	assert.Contains(t, patch, `"tenantguard.io/tenant":"shop"`, "found by the destination namespace")
	assert.Contains(t, patch, `"kubernetes.io/arch":"arm64"`)
}

func TestValidatorRefusesALabelNamingAnUnknownTenant(t *testing.T) {
	body := strings.Replace(application(`{"project":"tenant-gone","destination":{"server":"https://kubernetes.default.svc","namespace":"tenant-gone"},`+
		`"source":{"repoURL":"r","path":"staging/gone","targetRevision":"HEAD"}}`),
		`"metadata":{"name":"shop","namespace":"argocd"}`, `"metadata":{"name":"shop","namespace":"argocd","labels":{"tenantguard.io/tenant":"gone"}}`, 1)

	resp := serve(t, &handler.Validator{State: state(t), Tenants: shopTenants()}, "application/json", strings.NewReader(body))

	assert.False(t, resp.Allowed)
	assert.Contains(t, resp.Result.Message, `[app-tenant-destination] Application argocd/shop: metadata.labels["tenantguard.io/tenant"] is "gone", but there is no Tenant "gone"`)
}

// YAML reads an unquoted 1234567 as a number: the rules refuse it by name,
// and the defaults do not replace it.
func TestANumericRevisionIsARuleFindingNotReplaced(t *testing.T) {
	body := application(`{"project":"tenant-shop","source":{"repoURL":"r","path":"staging/shop","targetRevision":1234567}}`)

	denied := serve(t, validator(t), "application/json", strings.NewReader(body))
	patched := serve(t, mutator(t), "application/json", strings.NewReader(body))

	assert.False(t, denied.Allowed)
	assert.EqualValues(t, http.StatusForbidden, denied.Result.Code)
	assert.Contains(t, denied.Result.Message, "[app-pinned-revision] Application argocd/shop: spec.source.targetRevision is pinned to commit 1234567 (written unquoted")
	assert.True(t, patched.Allowed)
	assert.NotContains(t, string(patched.Patch), "targetRevision")
}
