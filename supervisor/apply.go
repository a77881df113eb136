package supervisor

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// errNotOwned means an object of the name the supervisor needs exists and is
// not this Tenant's: the supervisor neither changes nor deletes it.
var errNotOwned = errors.New("exists and is not owned by the Tenant")

// errTerminating means the object is being deleted; the supervisor waits
// until it is gone, then writes it again.
var errTerminating = errors.New("is being deleted")

// get reads an object from the cache and, when the cache does not hold it,
// from the API server: the cache holds only objects carrying ManagedByLabel,
// and a name may be taken by another. nil when neither has it. An object the
// cache holds with a digest for its spec (argo.go) comes without its spec,
// and spec is that digest; else spec is nil.
func (s *Supervisor) get(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey) (obj *unstructured.Unstructured, spec *specDigest, err error) {
	cached := cachedObject(gvk)
	err = s.client.Get(ctx, key, cached)
	if err == nil {
		obj, err = asUnstructured(cached, gvk)
		return obj, heldDigest(cached), err
	}
	live, err := s.read(ctx, gvk, key, err)
	return live, nil, err
}

// read reads an object from the API server, after the cache answered
// cacheErr; nil when there is none.
func (s *Supervisor) read(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey, cacheErr error) (*unstructured.Unstructured, error) {
	live, err := newObject(gvk), cacheErr
	if cacheErr == nil || apierrors.IsNotFound(cacheErr) {
		err = s.live.Get(ctx, key, live)
	}
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", gvk.Kind, describe(key), err)
	}
	return live, nil
}

// cached reports whether the cache holds the object.
func (s *Supervisor) cached(ctx context.Context, gvk schema.GroupVersionKind, key client.ObjectKey) bool {
	return s.client.Get(ctx, key, cachedObject(gvk)) == nil
}

// ensure makes the object desired describes hold what desired holds, by a
// server-side apply unless the live object already does, and returns the
// live object as last read. An object of that name that the Tenant does not
// own is errNotOwned, one being deleted errTerminating: neither is touched.
func (s *Supervisor) ensure(ctx context.Context, tenant *tenantv1.Tenant, desired *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	live, spec, err := s.get(ctx, desired.GroupVersionKind(), client.ObjectKeyFromObject(desired))
	if err != nil {
		return nil, err
	}
	if live != nil {
		if !ownedBy(live, tenant) {
			return live, errNotOwned
		}
		if live.GetDeletionTimestamp() != nil {
			return live, errTerminating
		}
		held, err := s.holds(ctx, live, spec, desired)
		if err != nil {
			return live, err
		}
		if held {
			return live, nil
		}
	}
	applied := desired.DeepCopy()
	err = s.client.Apply(ctx, client.ApplyConfigurationFromUnstructured(applied), client.FieldOwner(FieldManager), client.ForceOwnership)
	if err != nil {
		return live, err
	}
	return applied, nil
}

// holds reports whether live holds everything desired holds (covers). For an
// object the cache holds without its spec, its metadata is compared as
// read, and its spec holds desired's when their digests are equal: the spec
// is then the one the supervisor applied, the common case. When either
// differs, someone changed the object, or added fields to it that the
// supervisor leaves alone: the object is read from the API server and
// compared whole.
func (s *Supervisor) holds(ctx context.Context, live *unstructured.Unstructured, spec *specDigest, desired *unstructured.Unstructured) (bool, error) {
	if spec == nil {
		return s.coversKeeping(ctx, live, desired)
	}
	metadata := maps.Clone(desired.Object)
	delete(metadata, "spec")
	want, err := digestOf(desired.Object["spec"])
	if err != nil {
		return false, err
	}
	if covers(live.Object, metadata) && *spec == want {
		return true, nil
	}
	// Applied again, spec and all, unless the whole object covers desired:
	// read whole, so that a spec an exception lets stand is kept in what is
	// applied (coversKeeping), whichever part drifted.
	whole, err := s.read(ctx, desired.GroupVersionKind(), client.ObjectKeyFromObject(desired), nil)
	if err != nil || whole == nil {
		return false, err
	}
	return s.coversKeeping(ctx, whole, desired)
}

// coversKeeping reports whether live covers desired, once desired keeps
// what a PolicyException in force lets live hold (keepWaivedRevision).
func (s *Supervisor) coversKeeping(ctx context.Context, live, desired *unstructured.Unstructured) (bool, error) {
	if covers(live.Object, desired.Object) {
		return true, nil
	}
	if err := s.keepWaivedRevision(ctx, live, desired); err != nil {
		return false, err
	}
	return covers(live.Object, desired.Object), nil
}

// remove deletes the object of that kind and key when the Tenant owns it.
// It reports whether it issued the deletion now, and whether the object is
// still there (being deleted, not yet gone).
func (s *Supervisor) remove(ctx context.Context, tenant *tenantv1.Tenant, gvk schema.GroupVersionKind, key client.ObjectKey) (issued, present bool, err error) {
	live, _, err := s.get(ctx, gvk, key)
	if err != nil || live == nil || !ownedBy(live, tenant) {
		return false, false, err
	}
	if live.GetDeletionTimestamp() != nil {
		return false, true, nil
	}
	uid := live.GetUID()
	err = s.client.Delete(ctx, live, client.Preconditions{UID: &uid})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return false, false, nil
	}
	if err != nil {
		return false, true, fmt.Errorf("deleting %s %s: %w", gvk.Kind, describe(key), err)
	}
	return true, true, nil
}

// ownerReference is the controller reference that makes an object the Tenant's.
func ownerReference(tenant *tenantv1.Tenant) metav1.OwnerReference {
	yes := true
	return metav1.OwnerReference{
		APIVersion: tenantv1.GroupVersion.String(), Kind: "Tenant",
		Name: tenant.Name, UID: tenant.UID, Controller: &yes, BlockOwnerDeletion: &yes,
	}
}

// ownedBy reports whether the Tenant is the object's controller.
func ownedBy(obj metav1.Object, tenant *tenantv1.Tenant) bool {
	ref := metav1.GetControllerOf(obj)
	return ref != nil && ref.UID == tenant.UID && ref.Kind == "Tenant"
}

// owner is the name of the Tenant controlling obj, "" when none does.
func owner(obj metav1.Object) string {
	if ref := metav1.GetControllerOf(obj); ref != nil && ref.Kind == "Tenant" {
		return ref.Name
	}
	return ""
}

// covers reports whether the live object holds everything desired holds:
// every key of a map with a covering value, lists of the same length element
// by element. Under metadata, lists (owner references, finalizers) are sets
// others add to, so each desired element needs only to be among live's. An
// empty list or map in desired is covered by an absent one.
func covers(live, desired map[string]any) bool {
	for key, value := range desired {
		if !coversValue(live[key], value, key == "metadata") {
			return false
		}
	}
	return true
}

func coversValue(live, desired any, asSet bool) bool {
	switch d := desired.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			return len(d) == 0 && live == nil
		}
		for key, value := range d {
			if !coversValue(l[key], value, asSet) {
				return false
			}
		}
		return true
	case []any:
		l, ok := live.([]any)
		if !ok {
			return len(d) == 0 && live == nil
		}
		if asSet {
			return containsAll(l, d)
		}
		if len(l) != len(d) {
			return false
		}
		for i := range d {
			if !coversValue(l[i], d[i], false) {
				return false
			}
		}
		return true
	default:
		return sameScalar(live, desired)
	}
}

// sameScalar compares JSON scalars, numbers by value whatever their Go type.
func sameScalar(live, desired any) bool {
	if l, ok := number(live); ok {
		d, ok := number(desired)
		return ok && l == d
	}
	return reflect.DeepEqual(live, desired)
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func containsAll(live, desired []any) bool {
	for _, d := range desired {
		found := false
		for _, l := range live {
			if coversValue(l, d, true) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func describe(key types.NamespacedName) string {
	if key.Namespace == "" {
		return key.Name
	}
	return key.String()
}
