package defaults

import (
	"github.com/tenantguard/tenantguard/webhook/config"
	"github.com/tenantguard/tenantguard/webhook/decode"
)

// TrackedRevision is the revision every git source tracks: the tip of the one branch.
const TrackedRevision = "HEAD"

// Change is one default that was filled in.
type Change struct {
	// Field is the path of the field that was set, such as spec.sources[0].targetRevision.
	Field string
	// Value is the value it was set to; for metadata.finalizers, the finalizer appended.
	Value any
}

// Application fills in the defaults of an Argo CD Application in place and
// returns what it set. tenant is the Tenant the Application belongs to (a JSON
// map of a tenantguard.io/v1alpha1 Tenant), or nil when none is known.
//
// Every Application gets targetRevision HEAD on each source that has none
// (spec.source, each spec.sources entry and spec.sourceHydrator.drySource). An
// Application of a Tenant also gets the tenant and environment labels, Argo CD's
// resources finalizer, and, on each source that renders a Helm chart, the
// tenant's arch nodeSelector, toleration and registry mirror in helm.valuesObject
// at the value paths of cfg. A nil cfg stands for config.Default().
func Application(app map[string]any, tenant map[string]any, cfg *config.ClusterConfig) []Change {
	if app == nil {
		return nil
	}
	changes := trackHead(app)
	if tenant == nil {
		// Without a Tenant there is no label, arch or mirror to fill in, and the
		// finalizer is only promised to tenant Applications.
		return changes
	}
	if cfg == nil {
		cfg = config.Default()
	}
	o := ownerOf(tenant, cfg)
	changes = append(changes, ownershipLabels(app, o)...)
	changes = append(changes, resourcesFinalizer(app)...)
	for _, src := range decode.Sources(app) {
		if rendersChart(src.Fields) {
			changes = append(changes, helmValues(src, o, cfg.ValuePaths)...)
		}
	}
	return changes
}

// trackHead sets targetRevision HEAD on every source that has none.
func trackHead(app map[string]any) []Change {
	var changes []Change
	for _, src := range decode.Sources(app) {
		if revision, _ := src.Fields["targetRevision"].(string); revision == "" {
			src.Fields["targetRevision"] = TrackedRevision
			changes = append(changes, Change{Field: src.Path.Child("targetRevision").String(), Value: TrackedRevision})
		}
	}
	return changes
}

// unset reports whether a user left a Kubernetes field empty: absent, null or
// the empty string, which the API server and Argo CD all read as "not given".
func unset(value any) bool {
	return value == nil || value == ""
}

// objectField returns parent[key] when it is an object, nil when it is absent
// or null, and ok false when it holds anything else: that is the user's mistake
// for the API server or the rules to refuse, not ours to replace.
func objectField(parent map[string]any, key string) (obj map[string]any, ok bool) {
	switch value := parent[key].(type) {
	case map[string]any:
		return value, true
	case nil:
		return nil, true
	default:
		return nil, false
	}
}

// ensureObject returns parent[key] as an object, creating it when it is absent or null.
// Callers check objectField first, so nothing but absent or null is ever replaced.
func ensureObject(parent map[string]any, key string) map[string]any {
	if obj, ok := parent[key].(map[string]any); ok {
		return obj
	}
	obj := map[string]any{}
	parent[key] = obj
	return obj
}
