// Package app assembles the process `tenantguard serve` runs: a
// controller-runtime manager and its cache, the webhooks (package webhook) on
// the bounded HTTPS server and ports of webhook/server, the reloads of the
// policies and cluster config, and, on the elected leader, the supervisor, the
// audit and the exception controller. It is the only package that knows all
// of them; the end-to-end tests start the same process through New.
package app

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	goruntime "runtime"
	"runtime/debug"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/audit"
	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/exceptions"
	"github.com/tenantguard/tenantguard/metrics"
	"github.com/tenantguard/tenantguard/supervisor"
	"github.com/tenantguard/tenantguard/webhook"
	"github.com/tenantguard/tenantguard/webhook/handler"
	"github.com/tenantguard/tenantguard/webhook/request"
	"github.com/tenantguard/tenantguard/webhook/server"
)

// Options configure the webhook server. The zero value of each field takes the
// default written in its comment.
type Options struct {
	// Host is the address the webhook listens on. Defaults to all interfaces.
	Host string
	// Port is the webhook's HTTPS port. Defaults to 9443.
	Port int
	// CertDir holds tls.crt and tls.key. Defaults to controller-runtime's
	// <temp dir>/k8s-webhook-server/serving-certs.
	CertDir string
	// MetricsAddr is the metrics endpoint's address; "0" turns it off. Defaults to ":8080".
	MetricsAddr string
	// ProbeAddr is the address of /healthz and /readyz. Defaults to ":8081".
	ProbeAddr string
	// ProfileAddr serves Go's profiles (net/http/pprof) for diagnosing CPU
	// and memory use. Off when empty or "0", the default: a profile shows
	// what the process holds, so bind it to 127.0.0.1 and port-forward.
	ProfileAddr string
	// EnableHTTP2 serves HTTP/2 as well as HTTP/1.1. Off by default, which
	// keeps the server out of reach of HTTP/2 stream-reset floods.
	EnableHTTP2 bool
	// Policies says which policies and cluster config to serve, reloaded when
	// their files change. Its zero value serves the embedded policies with the
	// built-in cluster config.
	Policies live.Loader
	// ReloadInterval is how often the policy and config files are checked for
	// changes. Defaults to 5 seconds.
	ReloadInterval time.Duration
	// Limits bound the reviews in flight and how long each may take.
	Limits handler.Limits
	// MaxInFlightBytes bounds the memory the reviews being judged hold at
	// once, each charged what its shape costs. Defaults to InFlightBytesFor the
	// Go memory limit.
	MaxInFlightBytes int64
	// MaxReceivingBytes bounds the bytes of request bodies still arriving.
	// Defaults to ReceivingBytesFor the Go memory limit.
	MaxReceivingBytes int64
	// Connections bound the connections clients hold on the webhook's port.
	Connections server.Connections
	// Supervisor runs the supervisor, which makes each Tenant's namespace,
	// AppProject and Application (package supervisor), on the elected leader
	// when LeaderElection is on. Off in the zero value; `tenantguard serve`
	// turns it on by default.
	Supervisor bool
	// SupervisorOptions configure the supervisor.
	SupervisorOptions supervisor.Options
	// Audit runs the audit (package audit), which judges the stored
	// Applications and Tenants and writes OpenReports, on the elected leader
	// when LeaderElection is on. Off by default: it needs the OpenReports CRDs.
	Audit bool
	// AuditOptions configure the audit. Its Clock, left nil, is Clock.
	AuditOptions audit.Options
	// Exceptions runs the exception controller (package exceptions), which
	// marks each PolicyException Active or Expired and deletes expired ones
	// when the cluster config says so, on the elected leader when
	// LeaderElection is on. Off in the zero value; `tenantguard serve` turns
	// it on by default. The webhooks and the audit honour exceptions either way.
	Exceptions bool
	// Clock is the time PolicyExceptions are judged at, by the webhooks, the
	// audit and the exception controller alike. The wall clock when nil;
	// tests set a fake one and step it past an expiry.
	Clock clock.WithTicker
	// LeaderElection elects one replica, by the Lease LeaseName in
	// LeaderElectionNamespace, to run the supervisor, the audit and the
	// exception controller; the webhooks serve on every replica. Without any
	// of them there is nothing to elect for. Off in the zero value;
	// `tenantguard serve` turns it on by default.
	LeaderElection bool
	// LeaderElectionNamespace is the namespace of the Lease. Defaults to the
	// pod's own namespace in a cluster; required outside one.
	LeaderElectionNamespace string
}

// LeaseName is the name of the leader election Lease.
const LeaseName = "tenantguard-supervisor"

// DefaultOptions are the options `tenantguard serve` starts from: every
// default written once, here, for the flags and for fields left zero.
func DefaultOptions() Options {
	return Options{
		Port:              9443,
		CertDir:           filepath.Join(os.TempDir(), "k8s-webhook-server", "serving-certs"),
		MetricsAddr:       ":8080",
		ProbeAddr:         ":8081",
		ReloadInterval:    live.DefaultInterval,
		Limits:            handler.DefaultLimits(),
		Connections:       server.DefaultConnections(),
		Supervisor:        true,
		SupervisorOptions: supervisor.Options{Workers: supervisor.DefaultWorkers},
		AuditOptions:      audit.DefaultOptions(),
		Exceptions:        true,
		LeaderElection:    true,
	}
}

// setDefaults fills the fields left zero from DefaultOptions; switches left
// off stay off, as a zero Options is what tests and embedders start from.
func (o *Options) setDefaults() {
	d := DefaultOptions()
	o.Port = cmp.Or(o.Port, d.Port)
	o.MetricsAddr = cmp.Or(o.MetricsAddr, d.MetricsAddr)
	o.ProbeAddr = cmp.Or(o.ProbeAddr, d.ProbeAddr)
	o.CertDir = cmp.Or(o.CertDir, d.CertDir)
	o.ReloadInterval = cmp.Or(o.ReloadInterval, d.ReloadInterval)
	o.Connections.SetDefaults()
	memoryLimit := debug.SetMemoryLimit(-1)
	if o.MaxInFlightBytes == 0 {
		o.MaxInFlightBytes = InFlightBytesFor(memoryLimit)
	}
	if o.MaxReceivingBytes == 0 {
		o.MaxReceivingBytes = ReceivingBytesFor(memoryLimit)
	}
}

// New builds a manager that serves tenantguard's webhooks against the cluster
// of cfg. The rule set is compiled here, once; a bundle that does not compile
// is an error and nothing is served.
func New(ctx context.Context, cfg *rest.Config, opts Options) (manager.Manager, error) {
	opts.setDefaults()
	loader := opts.Policies
	snapshot, err := loader.Load(ctx)
	if err != nil {
		return nil, err
	}
	state := live.NewCurrent(snapshot)
	metrics.Register()
	metrics.PolicyRevision.WithLabelValues(snapshot.Revision).Set(1)
	mgr, err := newManager(cfg, opts)
	if opts.Supervisor && meta.IsNoMatchError(err) {
		return nil, fmt.Errorf("the supervisor needs Argo CD's Application and AppProject CRDs: install Argo CD, or serve with --supervisor=false: %w", err)
	}
	if err != nil {
		return nil, err
	}
	tenants, err := watchTenants(ctx, mgr, func() *clusterconfig.ClusterConfig { return state.Get().Config })
	if err != nil {
		return nil, err
	}
	waivers, err := watchExceptions(ctx, mgr)
	if err != nil {
		return nil, err
	}
	exceptions.RegisterMetrics(mgr.GetCache(), state, opts.Clock)
	if err := opts.setupLeaderRunners(mgr, state, tenants, waivers); err != nil {
		return nil, err
	}
	watcher := &live.Watcher{Loader: loader, Current: state, Interval: opts.ReloadInterval, Log: mgr.GetLogger().WithName("reload")}
	if err := mgr.Add(watcher); err != nil {
		return nil, err
	}
	// The manager starts its webhook server only once GetWebhookServer was called.
	hooks := mgr.GetWebhookServer()
	for path, h := range webhook.Handlers(webhook.Options{
		Tenants: tenants, Exceptions: waivers, Clock: opts.Clock, State: state, Limits: opts.Limits,
		Budget: request.NewBudget(opts.MaxInFlightBytes), Receiving: request.NewBudget(opts.MaxReceivingBytes),
		Large: request.NewBudget(largeTurns()),
	}) {
		hooks.Register(path, h)
	}
	return mgr, server.AddPorts(mgr, opts.serverOptions(), hooks)
}

// setupLeaderRunners adds what runs on the elected leader, each when asked
// for: the supervisor, the audit and the exception controller.
func (o Options) setupLeaderRunners(mgr manager.Manager, state *live.Current, tenants *tenantlookup.Finder, waivers *exceptionlookup.Finder) error {
	if o.Supervisor {
		supervisorOpts := o.SupervisorOptions
		if supervisorOpts.Judge == nil {
			supervisorOpts.Judge = supervisorJudge(state, tenants, waivers, o.Clock)
		}
		if err := supervisor.Setup(mgr, state, supervisorOpts); err != nil {
			return err
		}
	}
	if o.Audit {
		auditOpts := o.AuditOptions
		if auditOpts.Clock == nil {
			auditOpts.Clock = o.Clock
		}
		if err := audit.Setup(mgr, state, tenants, waivers, auditOpts); err != nil {
			return err
		}
	}
	if o.Exceptions {
		return exceptions.Setup(mgr, state, exceptions.Options{Clock: o.Clock})
	}
	return nil
}

// serverOptions are the options of the HTTPS server and the ports beside it.
func (o Options) serverOptions() server.Options {
	return server.Options{
		Host: o.Host, Port: o.Port, CertDir: o.CertDir, EnableHTTP2: o.EnableHTTP2,
		MetricsAddr: o.MetricsAddr, ProbeAddr: o.ProbeAddr, ProfileAddr: o.ProfileAddr, Connections: o.Connections,
	}
}

// InFlightBytesFor is the default bound on the memory reviews being judged
// hold at once, for a process whose Go memory limit is memoryLimit: half the
// limit, the other half left to the caches, the bodies being received and the
// rest of the process. Each review is charged what its shape costs
// (request.Shape.Cost), never less than 64 MiB so that a review of the
// largest shape limits.maxNodes admits runs, alone. Without a memory limit it
// is 1 GiB.
func InFlightBytesFor(memoryLimit int64) int64 {
	if memoryLimit <= 0 || memoryLimit == math.MaxInt64 {
		return 1 << 30
	}
	return max(memoryLimit/2, 64<<20)
}

// ReceivingBytesFor is the default bound on the bytes of request bodies still
// arriving: an eighth of the Go memory limit, as bodies being received are held
// as they are, or 256 MiB without a limit. It is never below four of the
// largest reviews.
func ReceivingBytesFor(memoryLimit int64) int64 {
	if memoryLimit <= 0 || memoryLimit == math.MaxInt64 {
		return 256 << 20
	}
	return max(memoryLimit/8, 4*clusterconfig.DefaultLimits().MaxReviewBytes)
}

// newManager builds the manager with tenantguard's scheme, its HTTPS webhook
// server, and the metrics and probe endpoints.
func newManager(cfg *rest.Config, opts Options) (manager.Manager, error) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := tenantv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := supervisor.AddToScheme(scheme); err != nil {
		return nil, err
	}
	transform := cacheTransform()
	cacheOpts := cache.Options{DefaultTransform: transform}
	if opts.Supervisor {
		cacheOpts.ByObject = supervisor.CacheByObject(transform)
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:        scheme,
		Logger:        stopLogger(ctrl.Log),
		WebhookServer: server.NewHTTPS(opts.serverOptions(), ctrl.Log.WithName("webhook-server")),
		// Metrics and probes are served by server.AddPorts, within Connections.
		Metrics:                       metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress:        "0",
		Cache:                         cacheOpts,
		LeaderElection:                opts.LeaderElection && (opts.Supervisor || opts.Audit || opts.Exceptions),
		LeaderElectionID:              LeaseName,
		LeaderElectionNamespace:       opts.LeaderElectionNamespace,
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		return nil, fmt.Errorf("creating manager: %w", err)
	}
	return mgr, nil
}

// watchExceptions indexes PolicyExceptions by the names and tenants they
// select in the manager's cache and starts their informer with the manager,
// as watchTenants does for Tenants, so that the first review finds them
// synced (readiness waits for the whole cache) and reads only those that may
// apply to its object.
func watchExceptions(ctx context.Context, mgr manager.Manager) (*exceptionlookup.Finder, error) {
	if err := exceptionlookup.IndexExceptions(ctx, mgr.GetFieldIndexer()); err != nil {
		return nil, fmt.Errorf("indexing PolicyExceptions: %w", err)
	}
	if _, err := mgr.GetCache().GetInformer(ctx, &tenantv1.PolicyException{}); err != nil {
		return nil, fmt.Errorf("watching PolicyExceptions (is the policyexceptions.tenantguard.io CRD installed?): %w", err)
	}
	return &exceptionlookup.Finder{Reader: mgr.GetCache()}, nil
}

// watchTenants indexes Tenants by namespace in the manager's cache and starts
// their informer with the manager, so that the first request finds them
// synced. Lookups read the served config, reloads included.
func watchTenants(ctx context.Context, mgr manager.Manager, served func() *clusterconfig.ClusterConfig) (*tenantlookup.Finder, error) {
	if err := tenantlookup.IndexTenants(ctx, mgr.GetFieldIndexer()); err != nil {
		return nil, fmt.Errorf("indexing Tenants: %w", err)
	}
	if _, err := mgr.GetCache().GetInformer(ctx, &tenantv1.Tenant{}); err != nil {
		return nil, fmt.Errorf("watching Tenants: %w", err)
	}
	return &tenantlookup.Finder{Reader: mgr.GetCache(), Config: served}, nil
}

// largeTurns is how many large reviews are judged at once: half the CPUs the
// Go runtime schedules on, at least one, so that the other half is left to
// the ordinary reviews whatever large ones arrive.
func largeTurns() int64 {
	return int64(max(1, goruntime.GOMAXPROCS(0)/2))
}
