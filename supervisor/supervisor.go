package supervisor

import (
	"cmp"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/live"
)

const (
	// FieldManager is the field manager of every server-side apply the supervisor sends.
	FieldManager = "tenantguard-supervisor"
	// ManagedByLabel and ManagedBy mark every object the supervisor writes; its
	// cache holds only objects that carry them.
	ManagedByLabel = "app.kubernetes.io/managed-by"
	// ManagedBy is the value of ManagedByLabel on the supervisor's objects.
	ManagedBy = "tenantguard"
	// ControllerName names the controller in logs and in controller-runtime's
	// reconcile metrics (controller="tenant").
	ControllerName = "tenant"
	// recorderName is the reporting controller of the supervisor's Events.
	recorderName = "tenantguard-supervisor"
)

// The kinds the supervisor writes. They are read and written as unstructured
// objects: Argo CD's Go types are not imported, and one code path serves all.
// The cache holds them in compact typed forms (cache.go).
var (
	namespaceGVK     = schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}
	resourceQuotaGVK = schema.GroupVersionKind{Version: "v1", Kind: "ResourceQuota"}
	limitRangeGVK    = schema.GroupVersionKind{Version: "v1", Kind: "LimitRange"}
	networkPolicyGVK = schema.GroupVersionKind{Group: "networking.k8s.io", Version: "v1", Kind: "NetworkPolicy"}
	appProjectGVK    = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "AppProject"}
	applicationGVK   = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}

	ownedKinds = []schema.GroupVersionKind{namespaceGVK, resourceQuotaGVK, limitRangeGVK, networkPolicyGVK, appProjectGVK, applicationGVK}
)

// Options configure the supervisor. The zero value of each field takes the
// default written in its comment.
type Options struct {
	// Workers is how many Tenants are reconciled at once. Defaults to 4.
	Workers int
	// Judge asks the rules about a tenant's Application, so that a revision
	// a PolicyException lets it pin is kept; without it the Tenant's
	// revision is always applied.
	Judge Judge
}

// Supervisor reconciles Tenants. It reads through the manager's cache, which
// holds the Tenants and the objects carrying ManagedByLabel, and falls back
// to the API server only for an object the cache does not hold, to learn
// whether a name is taken by an object it does not own.
type Supervisor struct {
	client client.Client
	live   client.Reader
	config func() *clusterconfig.ClusterConfig
	events events.EventRecorder
	judge  Judge
}

// DefaultWorkers is how many Tenants are reconciled at once unless Options say otherwise.
const DefaultWorkers = 4

// Setup adds the supervisor to mgr as a controller that runs on the elected
// leader. state holds the cluster config being served; it is read at every
// reconcile, so a reloaded config applies to the next one, and every Tenant
// is reconciled after a reload. The manager's cache must be built with
// CacheByObject, its scheme with AddToScheme.
func Setup(mgr manager.Manager, state *live.Current, opts Options) error {
	opts.Workers = cmp.Or(opts.Workers, DefaultWorkers)
	events := newEventWriter(mgr.GetClient(), mgr.GetScheme(), recorderName, mgr.GetLogger().WithName("events"))
	s := &Supervisor{
		client: mgr.GetClient(),
		live:   mgr.GetAPIReader(),
		config: func() *clusterconfig.ClusterConfig { return state.Get().Config },
		events: events,
		judge:  opts.Judge,
	}
	if err := mgr.Add(events); err != nil {
		return fmt.Errorf("setting up the supervisor's Events: %w", err)
	}
	if err := s.watch(mgr, state, opts); err != nil {
		return fmt.Errorf("setting up the supervisor: %w", err)
	}
	registerMetrics(mgr.GetCache())
	return nil
}

// newObject is an empty unstructured object of kind gvk.
func newObject(gvk schema.GroupVersionKind) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	return u
}
