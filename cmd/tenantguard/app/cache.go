package app

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	toolscache "k8s.io/client-go/tools/cache"
)

// cacheTransform is the transform of every object the manager's cache is
// given: trimCached, then the strings that repeat across objects shared.
func cacheTransform() toolscache.TransformFunc {
	in := newInterner()
	return func(obj any) (any, error) {
		obj, err := trimCached(obj)
		if accessor, notObject := meta.Accessor(obj); err == nil && notObject == nil {
			in.share(accessor)
		}
		return obj, err
	}
}

// trimCached drops from every object the manager's cache is given what
// neither the webhooks nor the supervisor read, and which can be most of a
// small object: its managedFields, and the copy of the whole object that
// `kubectl apply` keeps in an annotation (a Tenant applied with kubectl
// carries its spec twice). The rules read annotations from the request's
// objects, never from the cache.
func trimCached(obj any) (any, error) {
	accessor, err := meta.Accessor(obj)
	if err != nil {
		return obj, nil // not an object: a tombstone, left as it is
	}
	// Only when set: setting nil on an object that has none is a needless
	// write (kubernetes/kubernetes#124337).
	if accessor.GetManagedFields() != nil {
		accessor.SetManagedFields(nil)
	}
	if annotations := accessor.GetAnnotations(); annotations[corev1.LastAppliedConfigAnnotation] != "" {
		delete(annotations, corev1.LastAppliedConfigAnnotation)
		if len(annotations) == 0 {
			accessor.SetAnnotations(nil)
		}
	}
	return obj, nil
}
