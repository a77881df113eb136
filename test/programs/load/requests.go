package main

import (
	"fmt"
	"math/rand/v2"

	"github.com/tenantguard/tenantguard/test/support/reviews"
	"github.com/tenantguard/tenantguard/webhook"
)

// tenant is one Tenant created in the API server before tenantguard starts.
type tenant struct{ name, env, arch string }

// makeTenants returns n Tenants, half staging and half production, on arm64
// and amd64 in a pattern that does not follow the environments.
func makeTenants(n int) []tenant {
	tenants := make([]tenant, n)
	for i := range tenants {
		env, arch := "staging", "amd64"
		if i%2 == 1 {
			env = "production"
		}
		if i%3 == 0 {
			arch = "arm64"
		}
		tenants[i] = tenant{name: fmt.Sprintf("team-%02d", i), env: env, arch: arch}
	}
	return tenants
}

// addedArch is the arch the config change in the middle of the run adds. A
// Tenant on it is denied ([tenant-arch]) before the reload and allowed after,
// which is how the run checks that the new config is the one being served.
const addedArch = "s390x"

const (
	initialConfig  = "# written by test/programs/load\narches: [amd64, arm64]\n"
	reloadedConfig = "# written by test/programs/load, reloaded mid-run\narches: [amd64, arm64, " + addedArch + "]\n"
)

// The trusted identity that creates tenants' production Applications (the
// ApplicationSet controller); people edit staging ones.
const (
	appSetController = "system:serviceaccount:argocd:argocd-applicationset-controller"
	person           = "alice@example.com"
)

// request is one pre-built AdmissionReview and the verdict tenantguard must give.
// The baseline allows everything, so it is held only to the HTTP status, the
// envelope and the UID.
type request struct {
	path string
	uid  string
	body []byte
	// what names the request in failure reports.
	what string
	// denied is tenantguard's expected verdict; when denied, message must
	// appear in the response's message.
	denied  bool
	message string
}

// mix builds n requests with UIDs prefixed by prefix: about 70% Application
// CREATE/UPDATE (a tenth of them pinned to a commit), 20% Tenant CREATE/UPDATE
// and 10% status-only UPDATEs, each to /validate or /mutate. Requests at index
// newArchFrom or later may put Tenants on addedArch, since by then the run has
// reloaded the config that allows it; newArchFrom < 0 never does.
func mix(n int, prefix string, seed uint64, tenants []tenant, newArchFrom int) []request {
	rng := rand.New(rand.NewPCG(seed, 0x7e4a47))
	reqs := make([]request, n)
	for i := range reqs {
		uid := fmt.Sprintf("%s-0000-4000-8000-%012d", prefix, i)
		path := webhook.ValidatePath
		if rng.IntN(2) == 0 {
			path = webhook.MutatePath
		}
		op := "CREATE"
		if rng.IntN(2) == 0 {
			op = "UPDATE"
		}
		t := tenants[rng.IntN(len(tenants))]
		var r request
		switch x := rng.Float64(); {
		case x < 0.70:
			pinned := rng.IntN(10) == 0
			r = applicationReview(uid, op, t, pinned)
			// Only the validating webhook refuses; the mutating one fills in
			// defaults and leaves the verdict to it, as in a cluster.
			if pinned && path == webhook.ValidatePath {
				r.denied, r.message = true, "[app-pinned-revision]"
			}
		case x < 0.90:
			arch := t.arch
			if newArchFrom >= 0 && i >= newArchFrom && rng.IntN(4) == 0 {
				arch = addedArch
			}
			if op == "CREATE" {
				t = tenant{name: fmt.Sprintf("new-%s-%d", prefix, i), env: t.env}
			}
			r = tenantReview(uid, op, t, arch)
		default:
			r = statusReview(uid, t, rng.IntN(2) == 0)
		}
		r.path, r.uid = path, uid
		reqs[i] = r
	}
	return reqs
}

// application is an Argo CD Application of t as the tenants' ApplicationSet
// renders it, named after t: clean under every rule, unless its revision is
// pinned.
func application(t tenant, revision string, historyLimit int) map[string]any {
	return reviews.Application(t.name, t.name, t.env, revision, historyLimit)
}

func applicationReview(uid, op string, t tenant, pinned bool) request {
	revision, what := "HEAD", "application"
	if pinned {
		revision, what = "3f1c9a0", "pinned application"
	}
	user := person
	if t.env == "production" {
		user = appSetController
	}
	var old map[string]any
	if op == "UPDATE" {
		// A spec change, so the update is reviewed rather than passed as status-only.
		old = application(t, "HEAD", 5)
	}
	body := reviews.ApplicationRequest(uid, op, user, application(t, revision, 10), old).Encode()
	return request{body: body, what: what + " " + op}
}

// tenantObject is a Tenant as its owner writes it; namespace and destination
// are left for the mutating webhook to fill in.
func tenantObject(t tenant, arch string, components []any, status map[string]any) map[string]any {
	obj := map[string]any{
		"apiVersion": "tenantguard.io/v1alpha1",
		"kind":       "Tenant",
		"metadata":   map[string]any{"name": t.name},
		"spec": map[string]any{
			"environment": t.env, "arch": arch, "cloud": "aws", "region": "eu-west-1",
			"components": components,
		},
	}
	if status != nil {
		obj["status"] = status
	}
	return obj
}

func tenantReview(uid, op string, t tenant, arch string) request {
	var old map[string]any
	if op == "UPDATE" {
		old = tenantObject(t, t.arch, []any{"grafana"}, nil)
	}
	body := tenantRequest(uid, op, t.name, appSetController,
		tenantObject(t, arch, []any{"grafana", "loki"}, nil), old).Encode()
	what := "tenant " + op
	if arch == addedArch {
		what += " on " + addedArch
	}
	return request{body: body, what: what}
}

// statusReview is what Argo CD's controller and tenantguard's supervisor send
// all day: the same spec, labels and finalizers with a new status.
func statusReview(uid string, t tenant, app bool) request {
	if app {
		obj, old := application(t, "HEAD", 10), application(t, "HEAD", 10)
		old["status"] = map[string]any{"sync": map[string]any{"status": "OutOfSync"}, "health": map[string]any{"status": "Progressing"}}
		obj["status"] = map[string]any{"sync": map[string]any{"status": "Synced", "revision": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"}, "health": map[string]any{"status": "Healthy"}}
		body := reviews.ApplicationRequest(uid, "UPDATE", "system:serviceaccount:argocd:argocd-application-controller", obj, old).Encode()
		return request{body: body, what: "application status UPDATE"}
	}
	ready := func(status string) map[string]any {
		return map[string]any{"namespace": "tenant-" + t.name, "conditions": []any{map[string]any{
			"type": "Ready", "status": status, "reason": "Reconciled", "message": "",
			"lastTransitionTime": "2026-01-01T00:00:00Z",
		}}}
	}
	body := tenantRequest(uid, "UPDATE", t.name, "system:serviceaccount:tenantguard-system:tenantguard",
		tenantObject(t, t.arch, []any{"grafana"}, ready("True")), tenantObject(t, t.arch, []any{"grafana"}, ready("False"))).Encode()
	return request{body: body, what: "tenant status UPDATE"}
}

// tenantRequest is a request on the cluster-scoped Tenant name by user.
func tenantRequest(uid, op, name, user string, obj, old map[string]any) reviews.Request {
	return reviews.Request{
		UID: uid, Operation: op, Group: "tenantguard.io", Kind: "Tenant", Resource: "tenants",
		Name: name, User: user, Object: obj, OldObject: old,
	}
}
