package standin

import (
	"context"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tenantguard/tenantguard/engine/defaults"
)

// ApplicationGVK is Argo CD's Application.
var ApplicationGVK = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}

// ReleaseApplication is what Argo CD does with an Application being deleted
// once it has pruned what the Application deployed: it removes the resources
// finalizer (resources-finalizer.argocd.argoproj.io, with or without its
// /foreground or /background suffix), so that the API server can delete the
// Application. An Application not being deleted, or without the finalizer,
// is left alone, as is an absent one. It reports whether it removed the
// finalizer; a conflicting write is read again and retried.
func ReleaseApplication(ctx context.Context, cl client.Client, key client.ObjectKey) (released bool, err error) {
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		app := &unstructured.Unstructured{}
		app.SetGroupVersionKind(ApplicationGVK)
		if err := cl.Get(ctx, key, app); err != nil {
			return client.IgnoreNotFound(err)
		}
		kept := slices.DeleteFunc(app.GetFinalizers(), isResourcesFinalizer)
		if app.GetDeletionTimestamp() == nil || len(kept) == len(app.GetFinalizers()) {
			return nil
		}
		before := app.DeepCopy()
		app.SetFinalizers(kept)
		// The optimistic lock keeps a finalizer added meanwhile by someone else.
		err := cl.Patch(ctx, app, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
		released = err == nil
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	})
	return released, err
}

// isResourcesFinalizer tells Argo CD's resources finalizer, in any of its
// propagation forms, from other finalizers.
func isResourcesFinalizer(name string) bool {
	return name == defaults.ResourcesFinalizer || strings.HasPrefix(name, defaults.ResourcesFinalizer+"/")
}
