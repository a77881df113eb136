package defaults

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// approvedByPath is where a PolicyException records its approver.
var approvedByPath = field.NewPath("spec", "approvedBy")

// PolicyException records in place who approved a PolicyException and
// returns what it set: spec.approvedBy becomes username, the user of the
// admission request that creates or changes the exception. Unlike every other
// default it overwrites what the requester wrote, for the approver is the one
// field a requester must not choose; exception-approver refuses the request
// when the value does not match its user (this webhook was bypassed). Nothing
// is set without a user (a manifest read by eval) or a spec that is an object.
func PolicyException(e map[string]any, username string) []Change {
	if e == nil || username == "" {
		return nil
	}
	spec, ok := e["spec"].(map[string]any)
	if !ok || spec["approvedBy"] == username {
		return nil
	}
	spec["approvedBy"] = username
	return []Change{{Field: approvedByPath.String(), Value: username, At: []string{"spec", "approvedBy"}}}
}
