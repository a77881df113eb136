package handler_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/webhook/handler"
	"github.com/tenantguard/tenantguard/webhook/request"
)

// FuzzAdmissionReview sends arbitrary bodies through both webhooks, from the
// request stage on, panics not
// recovered: every body gets an AdmissionReview response, and a request that is
// not allowed carries a status code and a message saying why.
func FuzzAdmissionReview(f *testing.F) {
	f.Add([]byte(application(`{"source":{"repoURL":"r","path":"staging/shop","targetRevision":"3f1c9a0"}}`)))
	f.Add([]byte(application(`{"sources":[{"repoURL":"r"},{"ref":"values"}],"sourceHydrator":{"drySource":{}}}`)))
	f.Add([]byte(application(`null`)))
	f.Add([]byte(review("tenantguard.io", "Tenant", `{"environment":"production","arch":"arm64"}`)))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u"}}`))
	f.Add([]byte(`{`))
	snapshot, err := live.Loader{}.Load(f.Context())
	if err != nil {
		f.Fatal(err)
	}
	state := live.NewCurrent(snapshot)
	var hooks []http.Handler
	for _, h := range []admission.Handler{&handler.Validator{State: state}, &handler.Mutator{State: state}} {
		hooks = append(hooks, &request.Handler{
			Webhook: "fuzz", Limits: clusterconfig.DefaultLimits, Budget: request.NewBudget(64 << 20), Receiving: request.NewBudget(64 << 20),
			Review: (&admission.Webhook{Handler: h}).WithRecoverPanic(false),
		})
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, hook := range hooks {
			req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			hook.ServeHTTP(rec, req)
			var out admissionv1.AdmissionReview
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil {
				t.Fatalf("no AdmissionReview response for %q: %s", body, rec.Body.String())
			}
			if r := out.Response; !r.Allowed && (r.Result == nil || r.Result.Code == 0 || r.Result.Message == "") {
				t.Fatalf("refused without a code and a message: %+v", r.Result)
			}
		}
	})
}
