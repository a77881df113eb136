// Package reviews builds AdmissionReviews as kube-apiserver sends them to
// tenantguard, and the Argo CD Applications they carry, for the programs
// under test/ that post reviews straight to the webhook (test/programs/load,
// test/programs/hostile) and must know each review's verdict in advance.
package reviews

import "encoding/json"

// Request is one admission request. Version defaults to v1alpha1, the
// version of both Argo CD's Application and tenantguard's Tenant.
type Request struct {
	UID, Operation                 string
	Group, Version, Kind, Resource string
	// Namespace is empty for a cluster-scoped object such as a Tenant.
	Namespace, Name, User string
	// OldObject is nil except on UPDATE and DELETE.
	Object, OldObject map[string]any
}

// Review returns the AdmissionReview v1 for r as a map, for callers that
// alter it (a field of the wrong type, an unexpected apiVersion) before
// encoding it.
func (r Request) Review() map[string]any {
	version := r.Version
	if version == "" {
		version = "v1alpha1"
	}
	kind := map[string]any{"group": r.Group, "version": version, "kind": r.Kind}
	resource := map[string]any{"group": r.Group, "version": version, "resource": r.Resource}
	req := map[string]any{
		"uid":             r.UID,
		"kind":            kind,
		"resource":        resource,
		"requestKind":     kind,
		"requestResource": resource,
		"name":            r.Name,
		"operation":       r.Operation,
		"userInfo":        map[string]any{"username": r.User, "groups": []any{"system:authenticated"}},
		"object":          r.Object,
		"dryRun":          false,
		"options":         map[string]any{"apiVersion": "meta.k8s.io/v1", "kind": optionsKind(r.Operation)},
	}
	if r.Namespace != "" {
		req["namespace"] = r.Namespace
	}
	if r.OldObject != nil {
		req["oldObject"] = r.OldObject
	}
	return map[string]any{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req}
}

// Encode returns the AdmissionReview v1 for r as JSON.
func (r Request) Encode() []byte {
	return Encode(r.Review())
}

// Encode marshals a review built with Review; the maps hold only JSON
// values, so a failure is a bug in the caller.
func Encode(review map[string]any) []byte {
	body, err := json.Marshal(review)
	if err != nil {
		panic(err)
	}
	return body
}

func optionsKind(op string) string {
	switch op {
	case "UPDATE":
		return "UpdateOptions"
	case "DELETE":
		return "DeleteOptions"
	}
	return "CreateOptions"
}

// Application is an Argo CD Application of tenant in env as the tenants'
// ApplicationSet renders it, in the argocd namespace: clean under every rule
// unless revision is pinned to a commit.
func Application(name, tenant, env, revision string, historyLimit int) map[string]any {
	source := map[string]any{
		"repoURL":        "https://git.example.com/platform/tenants.git",
		"path":           env + "/" + tenant,
		"targetRevision": revision,
		"helm":           map[string]any{"valueFiles": []any{"values.yaml", "values-images.yaml"}},
	}
	return map[string]any{
		"apiVersion": "argoproj.io/v1alpha1",
		"kind":       "Application",
		"metadata": map[string]any{
			"name": name, "namespace": "argocd",
			"labels":     map[string]any{"tenantguard.io/tenant": tenant, "tenantguard.io/environment": env},
			"finalizers": []any{"resources-finalizer.argocd.argoproj.io"},
			// The ApplicationSet that renders it, which the ApplicationSet
			// controller's trust for production paths requires.
			"ownerReferences": []any{map[string]any{
				"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet", "name": "tenants",
				"uid": "6a1c3e2f-0000-4000-8000-000000000001", "controller": true,
			}},
		},
		"spec": map[string]any{
			"project":              "tenant-" + tenant,
			"source":               source,
			"destination":          map[string]any{"server": "https://kubernetes.default.svc", "namespace": "tenant-" + tenant},
			"syncPolicy":           map[string]any{"automated": map[string]any{"prune": true, "selfHeal": true}},
			"revisionHistoryLimit": historyLimit,
		},
	}
}

// ApplicationRequest wraps app, an Application built by Application, in a
// request by user; old is the previous object of an UPDATE, else nil.
func ApplicationRequest(uid, op, user string, app, old map[string]any) Request {
	meta := app["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	namespace, _ := meta["namespace"].(string)
	return Request{
		UID: uid, Operation: op, Group: "argoproj.io", Kind: "Application", Resource: "applications",
		Namespace: namespace, Name: name, User: user, Object: app, OldObject: old,
	}
}
