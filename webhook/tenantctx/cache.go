package tenantctx

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/webhook/api/v1alpha1"
	"github.com/tenantguard/tenantguard/webhook/config"
)

// NamespaceIndex is the cache index of Tenants by the namespace they own.
const NamespaceIndex = "tenantguard.io/namespace"

// Finder looks Tenants up in the manager's cache.
type Finder struct {
	// Reader is the manager's cache, indexed with IndexTenants.
	Reader client.Reader
	// MissWait is how long to keep looking in the cache for a Tenant that a
	// label names but the cache lacks: the supervisor creates a Tenant and its
	// Application moments apart, and the cache may not have seen the Tenant
	// yet. The API server is never read on the request path. Defaults to none.
	MissWait time.Duration
}

// missPoll is how often the cache is looked at again during MissWait.
const missPoll = 20 * time.Millisecond

var _ Lookup = &Finder{}

// IndexTenants indexes the cache's Tenants by the namespace they own.
func IndexTenants(ctx context.Context, indexer client.FieldIndexer, cfg *config.ClusterConfig) error {
	return indexer.IndexField(ctx, &tenantv1.Tenant{}, NamespaceIndex, func(obj client.Object) []string {
		t, ok := obj.(*tenantv1.Tenant)
		if !ok {
			return nil
		}
		return []string{OwnedNamespace(t.Name, t.Spec.Namespace, cfg)}
	})
}

// ForApplication returns the Tenant of an Application, or nil when it has none.
func (f *Finder) ForApplication(ctx context.Context, app map[string]any) (map[string]any, error) {
	return Of(ctx, f, app)
}

// ByName returns the Tenant of that name from the cache, waiting up to
// MissWait for a Tenant the cache has not seen yet.
func (f *Finder) ByName(ctx context.Context, name string) (map[string]any, error) {
	deadline := time.Now().Add(f.MissWait)
	for {
		var t tenantv1.Tenant
		err := f.Reader.Get(ctx, client.ObjectKey{Name: name}, &t)
		if err == nil {
			return toMap(&t)
		}
		if !apierrors.IsNotFound(err) || !time.Now().Before(deadline) {
			return nil, client.IgnoreNotFound(err)
		}
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(missPoll):
		}
	}
}

// ByNamespace returns the one Tenant that owns namespace.
func (f *Finder) ByNamespace(ctx context.Context, namespace string) (map[string]any, error) {
	var list tenantv1.TenantList
	if err := f.Reader.List(ctx, &list, client.MatchingFields{NamespaceIndex: namespace}); err != nil {
		return nil, fmt.Errorf("listing the Tenants of namespace %s: %w", namespace, err)
	}
	if len(list.Items) != 1 {
		return nil, nil
	}
	return toMap(&list.Items[0])
}

// toMap turns a Tenant into the JSON map the defaults and the rules read.
func toMap(t *tenantv1.Tenant) (map[string]any, error) {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(t)
	if err != nil {
		return nil, fmt.Errorf("converting Tenant %s: %w", t.Name, err)
	}
	obj["apiVersion"] = tenantv1.GroupVersion.String()
	obj["kind"] = "Tenant"
	return obj, nil
}
