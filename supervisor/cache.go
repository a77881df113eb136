package supervisor

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/selection"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The manager's cache holds every object the supervisor wrote, for every
// Tenant: at 10,000 Tenants, some 35,000 objects. Held unstructured, each
// costs about 4 KiB of nested maps; so the cache holds them typed instead:
// Kubernetes' own types for the core kinds, and for Argo CD's kinds the
// compact forms of argo.go (typed metadata, a digest of the spec, of the
// status only what the supervisor reads). Everything else reads and writes
// unstructured objects, converted from these on a read.

// cachedObject is an empty object of the type the cache holds for kind gvk.
func cachedObject(gvk schema.GroupVersionKind) client.Object {
	switch gvk {
	case namespaceGVK:
		return &corev1.Namespace{}
	case resourceQuotaGVK:
		return &corev1.ResourceQuota{}
	case limitRangeGVK:
		return &corev1.LimitRange{}
	case networkPolicyGVK:
		return &networkingv1.NetworkPolicy{}
	case appProjectGVK:
		return &cachedProject{}
	case applicationGVK:
		return &cachedApplication{}
	}
	panic(fmt.Sprintf("the supervisor does not write %s", gvk)) // ownedKinds lists every kind
}

// asUnstructured converts an object the cache holds into the unstructured
// form the supervisor reads, by way of its JSON; one held with a digest for
// its spec has no spec. Typed objects read from the cache carry no
// apiVersion and kind, which the JSON needs: gvk sets them on obj, the
// cache's copy.
func asUnstructured(obj client.Object, gvk schema.GroupVersionKind) (*unstructured.Unstructured, error) {
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	if heldDigest(obj) != nil {
		delete(u.Object, "spec")
	}
	return u, nil
}

// CacheByObject restricts the manager's cache, for the kinds the supervisor
// writes, to the objects it wrote: a cluster's other namespaces,
// Applications and policies are never held in memory. Each object goes
// through base, the cache's transform for every kind, then trim.
func CacheByObject(base toolscache.TransformFunc) map[client.Object]cache.ByObject {
	managed, err := labels.NewRequirement(ManagedByLabel, selection.Equals, []string{ManagedBy})
	if err != nil {
		panic(err) // a constant requirement
	}
	selector := labels.NewSelector().Add(*managed)
	out := make(map[client.Object]cache.ByObject, len(ownedKinds))
	for _, gvk := range ownedKinds {
		out[cachedObject(gvk)] = cache.ByObject{Label: selector, Transform: func(obj any) (any, error) {
			if base != nil {
				var err error
				if obj, err = base(obj); err != nil {
					return nil, err
				}
			}
			return trim(obj), nil
		}}
	}
	return out
}

// trim drops from an object the cache is given what the supervisor never
// reads: a Namespace's spec and status (the namespace controller's) and the
// name label the API server adds; a quota's status, the usage the quota
// controller rewrites as pods come and go.
func trim(obj any) any {
	switch o := obj.(type) {
	case *corev1.Namespace:
		o.Spec, o.Status = corev1.NamespaceSpec{}, corev1.NamespaceStatus{}
		delete(o.Labels, corev1.LabelMetadataName)
	case *corev1.ResourceQuota:
		o.Status = corev1.ResourceQuotaStatus{}
	}
	return obj
}

// AddToScheme registers the compact types the cache holds for Argo CD's
// kinds. The manager's scheme needs them: tenantguard imports no Argo CD
// types, and reads Argo CD's objects elsewhere unstructured.
func AddToScheme(scheme *runtime.Scheme) error {
	gv := appProjectGVK.GroupVersion()
	metav1.AddToGroupVersion(scheme, gv)
	scheme.AddKnownTypeWithName(appProjectGVK, &cachedProject{})
	scheme.AddKnownTypeWithName(gv.WithKind(appProjectGVK.Kind+"List"), &cachedProjectList{})
	scheme.AddKnownTypeWithName(applicationGVK, &cachedApplication{})
	scheme.AddKnownTypeWithName(gv.WithKind(applicationGVK.Kind+"List"), &cachedApplicationList{})
	return nil
}
