package standin

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// NamespaceController is the stand-in for kube-controller-manager's
// namespace controller. Like the real one, it finds the kinds of namespaced
// objects by discovery, so that every kind the test cluster serves (Argo CD's
// and tenantguard's CRDs included) is emptied, and reads and deletes them
// through the metadata API.
type NamespaceController struct {
	client    client.Client
	discovery discovery.DiscoveryInterface
	metadata  metadata.Interface
}

// NewNamespaceController reaches the API server with cfg, which must be
// allowed to list and delete every namespaced kind and finalize namespaces.
func NewNamespaceController(cfg *rest.Config) (*NamespaceController, error) {
	// Emptying a namespace touches deprecated kinds (v1 Endpoints): no
	// warnings about them, which the real controller does not print either.
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = rest.NoWarnings{}
	cl, err := client.New(cfg, client.Options{})
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	meta, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &NamespaceController{client: cl, discovery: disc, metadata: meta}, nil
}

// Finalize does to the Namespace name what the namespace controller does to
// a terminating one: it deletes every object in it and, once none is left,
// removes the kubernetes finalizer from spec.finalizers through the finalize
// subresource; the API server then deletes the Namespace (unless a finalizer
// in its metadata keeps it). It reports whether it removed the finalizer:
// false while objects remain (their own finalizers hold them), and for a
// Namespace that is absent, not terminating or already finalized.
func (n *NamespaceController) Finalize(ctx context.Context, name string) (bool, error) {
	var ns corev1.Namespace
	if err := n.client.Get(ctx, client.ObjectKey{Name: name}, &ns); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	if ns.DeletionTimestamp == nil || !slices.Contains(ns.Spec.Finalizers, corev1.FinalizerKubernetes) {
		return false, nil
	}
	empty, err := n.empty(ctx, name)
	if err != nil || !empty {
		return false, err
	}
	return true, n.removeFinalizer(ctx, name)
}

// background deletes what the deleted objects own too (a Job's Pods), as
// the namespace controller does.
var background = metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationBackground)}

// empty deletes the objects of every namespaced kind in namespace and
// reports whether none is left.
func (n *NamespaceController) empty(ctx context.Context, namespace string) (bool, error) {
	kinds, err := n.namespacedKinds()
	if err != nil {
		return false, err
	}
	empty := true
	for _, gvr := range kinds {
		objects := n.metadata.Resource(gvr).Namespace(namespace)
		if err := objects.DeleteCollection(ctx, background, metav1.ListOptions{}); err != nil {
			return false, fmt.Errorf("deleting %s in namespace %s: %w", gvr.Resource, namespace, err)
		}
		left, err := objects.List(ctx, metav1.ListOptions{Limit: 1})
		if err != nil {
			return false, fmt.Errorf("listing %s in namespace %s: %w", gvr.Resource, namespace, err)
		}
		empty = empty && len(left.Items) == 0
	}
	return empty, nil
}

// namespacedKinds lists the namespaced resources that can be listed and
// deleted as a collection, as the namespace controller does (every built-in
// kind and every CRD can).
func (n *NamespaceController) namespacedKinds() ([]schema.GroupVersionResource, error) {
	lists, err := n.discovery.ServerPreferredNamespacedResources()
	// A group that fails discovery (an aggregated API that is down) is left
	// out; the others are still emptied.
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, fmt.Errorf("discovering namespaced resources: %w", err)
	}
	var kinds []schema.GroupVersionResource
	for _, list := range lists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			return nil, err
		}
		for _, r := range list.APIResources {
			verbs := r.Verbs
			if !strings.Contains(r.Name, "/") && slices.Contains(verbs, "list") && slices.Contains(verbs, "deletecollection") {
				kinds = append(kinds, gv.WithResource(r.Name))
			}
		}
	}
	return kinds, nil
}

// removeFinalizer takes the kubernetes finalizer out of the Namespace's
// spec.finalizers, which only the finalize subresource can write.
func (n *NamespaceController) removeFinalizer(ctx context.Context, name string) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		var ns corev1.Namespace
		if err := n.client.Get(ctx, client.ObjectKey{Name: name}, &ns); err != nil {
			return client.IgnoreNotFound(err)
		}
		ns.Spec.Finalizers = slices.DeleteFunc(ns.Spec.Finalizers, func(f corev1.FinalizerName) bool {
			return f == corev1.FinalizerKubernetes
		})
		return client.IgnoreNotFound(n.client.SubResource("finalize").Update(ctx, &ns))
	})
}
