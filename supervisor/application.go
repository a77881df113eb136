package supervisor

import (
	"context"
	"errors"
	"path"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/defaults"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
)

// desiredApplication is the Application that deploys the tenant's chart: the
// platform repository at the environment's chart directory, with its value
// files and the tenant's components as Helm values, into the tenant's
// namespace, synced automatically with prune and selfHeal. Argo CD's
// resources finalizer makes deleting it prune what it deployed.
//
// The Tenant's defaults (the tracked revision, the arch nodeSelector and
// toleration, the registry mirror) are filled in here by the mutating
// webhook's own code, webhook/defaults: the webhook fills in only what is
// unset, so without them here a Tenant whose arch or mirror changes would
// keep an Application of the old one, which app-arch-mismatch refuses.
func desiredApplication(t *tenantv1.Tenant, f facts, cfg *clusterconfig.ClusterConfig) (*unstructured.Unstructured, error) {
	annotations := map[string]any{}
	for k, v := range cfg.Supervisor.SubscriptionAnnotations(f.environment) {
		annotations[k] = v
	}
	u := object(applicationGVK, f.argocd, f.application, t, tenantLabels(f), annotations)
	u.Object["metadata"].(map[string]any)["finalizers"] = []any{defaults.ResourcesFinalizer}
	u.Object["spec"] = map[string]any{
		"project":     f.project,
		"source":      chartSource(t, f, cfg),
		"destination": map[string]any{model.DestinationField(f.cluster): f.cluster, "namespace": f.namespace},
		"syncPolicy":  syncPolicy(f, cfg),
	}
	tenant, err := tenantlookup.ToMap(t)
	if err != nil {
		return nil, err
	}
	defaults.Application(u.Object, tenant, cfg)
	return u, nil
}

func chartSource(t *tenantv1.Tenant, f facts, cfg *clusterconfig.ClusterConfig) map[string]any {
	src := map[string]any{
		"repoURL": cfg.Supervisor.RepoURL,
		"path":    path.Join(cfg.Environments[f.environment], cfg.Supervisor.ChartDirectory),
	}
	helm := map[string]any{}
	if files := cfg.Supervisor.ValueFiles; len(files) > 0 {
		list := make([]any, len(files))
		for i, file := range files {
			list[i] = file
		}
		helm["valueFiles"] = list
	}
	if len(t.Spec.Components) > 0 {
		values := map[string]any{}
		for _, c := range t.Spec.Components {
			values[c] = map[string]any{"enabled": true}
		}
		helm["valuesObject"] = values
	}
	if len(helm) > 0 {
		src["helm"] = helm
	}
	return src
}

// syncPolicy syncs automatically, pruning and healing; on another cluster
// the Application also creates the namespace, labelled as a local one would be.
func syncPolicy(f facts, cfg *clusterconfig.ClusterConfig) map[string]any {
	policy := map[string]any{"automated": map[string]any{"prune": true, "selfHeal": true}}
	if f.remote {
		policy["syncOptions"] = []any{"CreateNamespace=true"}
		policy["managedNamespaceMetadata"] = map[string]any{"labels": namespaceLabels(f, cfg)}
	}
	return policy
}

// reconcileApplication applies the tenant's Application through the
// webhooks. It returns the Application as last read, for its sync and health.
func (s *Supervisor) reconcileApplication(ctx context.Context, t *tenantv1.Tenant, f facts, cfg *clusterconfig.ClusterConfig) (*unstructured.Unstructured, metav1.Condition, error) {
	const typ = tenantv1.ConditionApplicationReady
	name := f.argocd + "/" + f.application
	if cfg.Supervisor.RepoURL == "" {
		return nil, isFalse(typ, ReasonNoRepository,
			"the cluster config names no platform repository (supervisor.repoURL), so Application %s is not written", name), nil
	}
	desired, err := desiredApplication(t, f, cfg)
	if err != nil {
		return nil, applyFailed(typ, "Application "+name, err), err
	}
	live, err := s.ensure(ctx, t, desired)
	switch {
	case errors.Is(err, errNotOwned):
		return nil, isFalse(typ, ReasonApplicationConflict,
			"Application %s exists and is not owned by Tenant %s; tenantguard never adopts it: delete it, and the supervisor creates the tenant's own", name, t.Name), nil
	case errors.Is(err, errTerminating):
		return live, isFalse(typ, ReasonDeleting, "Application %s is being deleted; it is created again once Argo CD has pruned it", name), nil
	case apierrors.IsForbidden(err) || apierrors.IsInvalid(err):
		// Refused by tenantguard's validating webhook or the API server. It is
		// tried again with backoff: a replica whose cache has not yet seen the
		// Tenant refuses what the next one admits.
		return live, isFalse(typ, ReasonRefused, "Application %s was refused: %s", name, err.Error()), err
	case err != nil:
		return live, applyFailed(typ, "Application "+name, err), err
	}
	return live, isTrue(typ, ReasonApplied, "Application %s applied", name), nil
}

// syncAndHealth are the Application's sync and health status as Argo CD reports them.
func syncAndHealth(app *unstructured.Unstructured) (sync, health string) {
	if app == nil {
		return "", ""
	}
	sync, _, _ = unstructured.NestedString(app.Object, "status", "sync", "status")
	health, _, _ = unstructured.NestedString(app.Object, "status", "health", "status")
	return sync, health
}
