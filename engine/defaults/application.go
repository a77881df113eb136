package defaults

import (
	"slices"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

// Change is one default that was filled in.
type Change struct {
	// Field is the path of the field that was set, such as spec.sources[0].targetRevision.
	Field string
	// Value is the value it was set to; for metadata.finalizers, the finalizer appended.
	Value any
	// At is where the object first differs from what it was, as the keys from
	// its root ("-" for an item appended to a list): the field itself, or the
	// first object on the way to it that the defaults created. A JSON patch
	// adds the defaulted object's value there.
	At []string
}

// Application fills in the defaults of an Argo CD Application in place and
// returns what it set. tenant is the Tenant the Application belongs to (a JSON
// map of a tenantguard.io/v1alpha1 Tenant), or nil when none is known.
//
// Every Application gets the tracked revision, the first of the cluster
// config's trackingRefs (HEAD by default, so one the rules allow), on each
// git source that has none (spec.source, each spec.sources entry and
// spec.sourceHydrator.drySource). An
// Application of a Tenant also gets the tenant and environment labels, Argo CD's
// resources finalizer, and, on each source that renders a Helm chart, the
// tenant's arch nodeSelector, toleration and registry mirror in helm.valuesObject
// at the value paths of cfg. A nil cfg stands for clusterconfig.Default().
func Application(app map[string]any, tenant map[string]any, cfg *clusterconfig.ClusterConfig) []Change {
	if app == nil {
		return nil
	}
	if cfg == nil {
		cfg = clusterconfig.Default()
	}
	changes := trackRevision(app, TrackedRevision(cfg))
	if tenant == nil {
		// Without a Tenant there is no label, arch or mirror to fill in, and the
		// finalizer is only promised to tenant Applications.
		return changes
	}
	o := ownerOf(tenant, cfg)
	changes = append(changes, ownershipLabels(app, o)...)
	changes = append(changes, resourcesFinalizer(app)...)
	for _, src := range model.Sources(app) {
		if rendersChart(src.Fields) {
			changes = append(changes, helmValues(src, o, cfg.ValuePaths)...)
		}
	}
	return changes
}

// TrackedRevision is the revision the defaults write where a source has none:
// the first of the cluster config's trackingRefs, which the rules allow.
func TrackedRevision(cfg *clusterconfig.ClusterConfig) string {
	return cfg.TrackingRefs[0]
}

// trackRevision sets targetRevision on every git source that has none. A
// chart source's revision is the chart's version, which only its author can
// choose; app-tracking-revision asks for it.
func trackRevision(app map[string]any, revision string) []Change {
	var changes []Change
	for _, src := range model.Sources(app) {
		if !namesChart(src.Fields) && unset(src.Fields["targetRevision"]) {
			src.Fields["targetRevision"] = revision
			changes = append(changes, Change{Field: src.Path.Child("targetRevision").String(), Value: revision,
				At: slices.Concat(src.Keys, []string{"targetRevision"})})
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
