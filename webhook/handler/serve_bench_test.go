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
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/test/support/reviews"
	"github.com/tenantguard/tenantguard/test/support/runstats"
	"github.com/tenantguard/tenantguard/webhook/handler"
	"github.com/tenantguard/tenantguard/webhook/request"
)

// BenchmarkServe measures one review from its HTTP body to the written answer,
// as the server runs it behind TLS: the request stage, the decoding, the
// Tenant lookup, then the defaults and their patch or the rule set. The
// reviews are the load program's: an Application of a production Tenant
// created by the ApplicationSet controller (clean under every rule; the
// mutation fills in its arch) and the same Application updated.
func BenchmarkServe(b *testing.B) {
	tenants := tenantlookup.NewIndex([]map[string]any{{
		"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant",
		"metadata": map[string]any{"name": "team-01"},
		"spec": map[string]any{"environment": "production", "arch": "amd64", "cloud": "aws", "region": "eu-west-1",
			"namespace": "tenant-team-01", "destination": "https://kubernetes.default.svc"}, // as the mutating webhook leaves it
	}}, clusterconfig.Default())
	state := state(b)
	hooks := map[string]admission.Handler{
		"validate": &handler.Validator{State: state, Tenants: tenants},
		"mutate":   &handler.Mutator{State: state, Tenants: tenants},
	}
	app := func(limit int) map[string]any {
		return reviews.Application("team-01", "team-01", "production", "HEAD", limit)
	}
	bodies := map[string][]byte{
		"create": reviews.ApplicationRequest("uid-1", "CREATE", "system:serviceaccount:argocd:argocd-applicationset-controller", app(10), nil).Encode(),
		"update": reviews.ApplicationRequest("uid-1", "UPDATE", "system:serviceaccount:argocd:argocd-applicationset-controller", app(10), app(5)).Encode(),
	}
	for _, hook := range []string{"validate", "mutate"} {
		front := &request.Handler{Webhook: hook, Limits: clusterconfig.DefaultLimits,
			Budget: request.NewBudget(64 << 20), Receiving: request.NewBudget(64 << 20),
			Review: &admission.Webhook{Handler: handler.Guarded(hook, hooks[hook], handler.Limits{})}}
		for _, op := range []string{"create", "update"} {
			b.Run(hook+"/"+op, func(b *testing.B) {
				body := bodies[op]
				checkAllowed(b, front, body)
				b.ReportAllocs()
				start := runstats.ProcessCPU()
				for b.Loop() {
					req := httptest.NewRequest(http.MethodPost, "/"+hook, bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					front.ServeHTTP(httptest.NewRecorder(), req)
				}
				b.ReportMetric(float64((runstats.ProcessCPU()-start).Microseconds())/float64(b.N), "cpu-µs/op")
			})
		}
	}
}

// checkAllowed fails the benchmark unless the review is answered and allowed,
// so that it never measures a refusal's shorter path.
func checkAllowed(b *testing.B, front http.Handler, body []byte) {
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	front.ServeHTTP(rec, req)
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil || !out.Response.Allowed {
		b.Fatalf("review not allowed: %s", rec.Body.String())
	}
}
