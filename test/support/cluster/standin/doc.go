// Package standin holds stand-ins for the two controllers that a real
// cluster with Argo CD runs and a test control plane (envtest: kube-apiserver
// and etcd only) does not, so that a deletion there ends as it would in a
// cluster:
//
//   - ArgoCD stands in for Argo CD's application controller in one respect
//     only: on an Application being deleted it removes the resources
//     finalizer, as Argo CD does once it has pruned what the Application
//     deployed. Nothing is ever deployed in a test cluster, so there is
//     nothing to prune. It never writes a sync or health status: what did not
//     happen is not reported.
//   - NamespaceController stands in for kube-controller-manager's namespace
//     controller: it empties a terminating Namespace of every namespaced
//     object the API server knows a kind of, then removes the kubernetes
//     finalizer through the namespace's finalize subresource, after which the
//     API server deletes the Namespace.
//
// Without them, deleting a Tenant never finishes: the supervisor waits for
// the Application's resources finalizer, and a deleted Namespace stays
// Terminating. `make run` runs both (Start); tests that need to choose the
// moment Argo CD or the namespace controller acts call ReleaseApplication and
// NamespaceController.Finalize, the stand-ins' own steps, directly.
package standin
