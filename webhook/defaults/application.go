package defaults

import (
	"github.com/tenantguard/tenantguard/webhook/decode"
)

// TrackedRevision is the revision every git source tracks: the tip of the one branch.
const TrackedRevision = "HEAD"

// Change is one default that was filled in.
type Change struct {
	// Field is the path of the field that was set, such as spec.sources[0].targetRevision.
	Field string
	// Value is the value it was set to.
	Value any
}

// Application fills in the defaults of an Argo CD Application in place and
// returns what it set: targetRevision HEAD on every source that has none
// (spec.source, each spec.sources entry and spec.sourceHydrator.drySource).
func Application(app map[string]any) []Change {
	var changes []Change
	for _, src := range decode.Sources(app) {
		if revision, _ := src.Fields["targetRevision"].(string); revision == "" {
			src.Fields["targetRevision"] = TrackedRevision
			changes = append(changes, Change{Field: src.Path.Child("targetRevision").String(), Value: TrackedRevision})
		}
	}
	return changes
}
