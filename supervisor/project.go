package supervisor

import (
	"context"
	"errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

// platformKinds are the namespaced kinds the platform keeps in tenant
// namespaces; a tenant's Application may not write them.
var platformKinds = []any{
	map[string]any{"group": "", "kind": "ResourceQuota"},
	map[string]any{"group": "", "kind": "LimitRange"},
	map[string]any{"group": "networking.k8s.io", "kind": "NetworkPolicy"},
}

// desiredProject is the tenant's AppProject: the allowed repositories (the
// platform repository when the config allows any), only the tenant's
// namespace on the tenant's cluster, no cluster-scoped objects but, on
// another cluster, the namespace its Application creates there.
func desiredProject(t *tenantv1.Tenant, f facts, cfg *clusterconfig.ClusterConfig) *unstructured.Unstructured {
	u := object(appProjectGVK, f.argocd, f.project, t, tenantLabels(f), nil)
	destination := map[string]any{model.DestinationField(f.cluster): f.cluster, "namespace": f.namespace}
	clusterKinds := []any{}
	if f.remote {
		clusterKinds = append(clusterKinds, map[string]any{"group": "", "kind": "Namespace", "name": f.namespace})
	}
	u.Object["spec"] = map[string]any{
		"description":                "Tenant " + f.name + " (" + f.environment + "), kept by tenantguard's supervisor",
		"sourceRepos":                sourceRepos(cfg),
		"destinations":               []any{destination},
		"clusterResourceWhitelist":   clusterKinds,
		"namespaceResourceBlacklist": platformKinds,
	}
	return u
}

// sourceRepos are the cluster config's allowedRepos, else the platform repository.
func sourceRepos(cfg *clusterconfig.ClusterConfig) []any {
	repos := []any{}
	for _, r := range cfg.AllowedRepos {
		repos = append(repos, r)
	}
	if len(repos) == 0 && cfg.Supervisor.RepoURL != "" {
		repos = append(repos, cfg.Supervisor.RepoURL)
	}
	return repos
}

// reconcileProject applies the tenant's AppProject.
func (s *Supervisor) reconcileProject(ctx context.Context, t *tenantv1.Tenant, f facts, cfg *clusterconfig.ClusterConfig) (metav1.Condition, error) {
	const typ = tenantv1.ConditionProjectReady
	name := f.argocd + "/" + f.project
	_, err := s.ensure(ctx, t, desiredProject(t, f, cfg))
	switch {
	case errors.Is(err, errNotOwned):
		return isFalse(typ, ReasonProjectConflict,
			"AppProject %s exists and is not owned by Tenant %s; tenantguard never adopts it: delete it, and the supervisor creates the tenant's own", name, t.Name), nil
	case errors.Is(err, errTerminating):
		return isFalse(typ, ReasonDeleting, "AppProject %s is being deleted; it is created again once it is gone", name), nil
	case err != nil:
		return applyFailed(typ, "AppProject "+name, err), err
	}
	return isTrue(typ, ReasonApplied, "AppProject %s applied", name), nil
}
