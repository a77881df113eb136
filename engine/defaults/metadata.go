package defaults

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// ResourcesFinalizer is Argo CD's finalizer that deletes an Application's
// resources with it, so that deleting a tenant's Application leaves nothing
// running behind.
const ResourcesFinalizer = "resources-finalizer.argocd.argoproj.io"

// ownershipLabels sets the tenant and environment labels where they are
// absent, null or empty. A label that names another tenant or environment is
// kept: app-tenant-destination and app-immutable-ownership refuse it with a
// message, where overwriting it would hide the mistake.
func ownershipLabels(app map[string]any, o owner) []Change {
	meta, ok := objectField(app, "metadata")
	if !ok {
		return nil
	}
	labels, ok := objectField(meta, "labels")
	if !ok {
		return nil
	}
	var changes []Change
	var created []string // the object the first label set had to create
	for _, l := range []struct{ key, value string }{
		{tenantv1.TenantLabel, o.name},
		{tenantv1.EnvironmentLabel, o.environment},
	} {
		if l.value == "" || !unset(labels[l.key]) {
			continue
		}
		if labels == nil {
			created = []string{"metadata", "labels"}
			if meta == nil {
				created = []string{"metadata"}
			}
			labels = ensureObject(ensureObject(app, "metadata"), "labels")
		}
		labels[l.key] = l.value
		at := created
		if at == nil {
			at = []string{"metadata", "labels", l.key}
		}
		changes = append(changes, Change{Field: field.NewPath("metadata", "labels").Key(l.key).String(), Value: l.value, At: at})
	}
	return changes
}

// resourcesFinalizer appends ResourcesFinalizer to metadata.finalizers unless
// it, or one of its /foreground and /background variants, is already there:
// those choose how Argo CD cascades, and a second one would contradict it.
func resourcesFinalizer(app map[string]any) []Change {
	meta, ok := objectField(app, "metadata")
	if !ok {
		return nil
	}
	raw := meta["finalizers"]
	finalizers, isList := raw.([]any)
	if raw != nil && !isList {
		return nil
	}
	for _, f := range finalizers {
		if name, _ := f.(string); name == ResourcesFinalizer || strings.HasPrefix(name, ResourcesFinalizer+"/") {
			return nil
		}
	}
	// Appended, never inserted: finalizers run in no order, but the list the
	// user wrote stays as written.
	at := []string{"metadata", "finalizers", "-"}
	switch {
	case meta == nil:
		at = []string{"metadata"}
	case raw == nil:
		at = []string{"metadata", "finalizers"}
	}
	ensureObject(app, "metadata")["finalizers"] = append(finalizers, ResourcesFinalizer)
	return []Change{{Field: field.NewPath("metadata", "finalizers").String(), Value: ResourcesFinalizer, At: at}}
}
