package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	reportsv1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
)

// Auditor runs the audit on the elected leader: once its cache has synced,
// after each swapped snapshot of policies and config, and every Interval.
// Audits never overlap; a reload during one is audited right after it.
type Auditor struct {
	opts    Options
	state   *live.Current
	changes <-chan struct{}
	tenants *tenantlookup.Finder
	waivers exceptionlookup.Lookup
	cache   client.Reader
	scanner *Scanner
	reports *reportWriter
	conds   *conditionWriter
	log     logr.Logger
}

var (
	_ manager.Runnable               = &Auditor{}
	_ manager.LeaderElectionRunnable = &Auditor{}
)

// Setup adds the audit to mgr. state is the snapshot being served (and
// reloaded), tenants and exceptions the webhooks' Tenant and PolicyException
// lookups in mgr's cache, so that the audit waives what admission waives. The
// OpenReports CRDs must be installed: without them it is an error naming them.
func Setup(mgr manager.Manager, state *live.Current, tenants *tenantlookup.Finder, exceptions exceptionlookup.Lookup, opts Options) error {
	opts = opts.withDefaults()
	for _, kind := range []string{"Report", "ClusterReport"} {
		gk := reportsv1.SchemeGroupVersion.WithKind(kind).GroupKind()
		if _, err := mgr.GetRESTMapper().RESTMapping(gk, reportsv1.SchemeGroupVersion.Version); err != nil {
			return fmt.Errorf("the audit writes OpenReports: install the %s CRD (openreports.io/v1alpha1), or serve without --audit: %w", kind, err)
		}
	}
	registerMetrics()
	a := &Auditor{
		opts: opts, state: state, changes: state.Subscribe(), tenants: tenants, waivers: exceptions, cache: mgr.GetCache(),
		scanner: &Scanner{Reader: mgr.GetAPIReader(), PageSize: opts.PageSize, Workers: opts.Workers},
		reports: &reportWriter{client: mgr.GetClient(), reader: mgr.GetAPIReader(), maxResults: opts.MaxResults},
		conds:   &conditionWriter{client: mgr.GetClient()},
		log:     mgr.GetLogger().WithName("audit"),
	}
	return mgr.Add(a)
}

// NeedLeaderElection is true: one replica audits and writes the reports.
func (a *Auditor) NeedLeaderElection() bool { return true }

// Start audits until ctx is done. It implements manager.Runnable.
func (a *Auditor) Start(ctx context.Context) error {
	ticker := time.NewTicker(a.opts.Interval)
	defer ticker.Stop()
	for {
		a.runLogged(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-a.changes:
		case <-ticker.C:
		}
	}
}

// runLogged runs one audit, logging and counting its outcome.
func (a *Auditor) runLogged(ctx context.Context) {
	started := time.Now()
	summary, err := a.Run(ctx)
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		Runs.WithLabelValues("failed").Inc()
		a.log.Error(err, "audit failed; the next one runs at the next reload or interval")
		return
	}
	Runs.WithLabelValues("succeeded").Inc()
	a.log.Info("audited", "applications", summary.Applications, "applicationSets", summary.ApplicationSets, "tenants", summary.Tenants,
		"findings", summary.Findings, "waived", summary.Waived, "duration", time.Since(started).Round(time.Millisecond).String(),
		"judging", summary.Judging.Round(time.Millisecond).String())
}

// RunSummary says what one audit judged and found.
type RunSummary struct {
	// Applications, ApplicationSets and Tenants are the objects judged.
	Applications, ApplicationSets, Tenants int
	// Findings counts the findings of every rule that no PolicyException waives.
	Findings int
	// Waived counts the findings PolicyExceptions waive: skip results.
	Waived int
	// Judging is the time spent listing and judging; the rest of a run
	// writes the reports and conditions.
	Judging time.Duration
}

// Run audits every Tenant, Application and ApplicationSet once with the snapshot being
// served, then writes the reports, the Tenants' conditions and the metrics.
func (a *Auditor) Run(ctx context.Context) (RunSummary, error) {
	started := time.Now()
	snapshot := a.state.Get()
	p := &pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine, Tenants: a.tenants, Exceptions: a.waivers, Clock: a.opts.Clock}
	t := newTally(a.opts.MaxResults, metav1.Timestamp{Seconds: started.Unix()})
	tenants, err := a.judgeTenants(ctx, p, t)
	if err != nil {
		return RunSummary{}, err
	}
	apps, err := a.scanner.Applications(ctx, p, t.add)
	if err != nil {
		return RunSummary{}, err
	}
	appsets, err := a.scanner.ApplicationSets(ctx, p, t.add)
	if err != nil {
		return RunSummary{}, err
	}
	judging := time.Since(started)
	// A report that cannot be written does not hold back the conditions, nor
	// they the reports: each is tried, and the audit fails if either failed.
	if err := errors.Join(a.reports.sync(ctx, t), a.conds.sync(ctx, tenants, t)); err != nil {
		return RunSummary{}, err
	}
	compliant := 0
	for name := range tenants {
		if tf := t.tenants[name]; tf == nil || tf.findings == 0 {
			compliant++
		}
	}
	record(t, snapshot.Engine.RuleIDs(), a.opts.NamespaceSeries, compliant, len(tenants), started, time.Now())
	findings := 0
	for _, n := range t.rules {
		findings += n
	}
	return RunSummary{
		Applications: apps, ApplicationSets: appsets, Tenants: len(tenants),
		Findings: findings, Waived: t.waived, Judging: judging,
	}, nil
}

// judgeTenants judges the cached Tenants a page at a time and returns what
// their conditions need: the cache already holds every Tenant for the
// webhooks, so they are read from it, without a copy of the list.
func (a *Auditor) judgeTenants(ctx context.Context, p *pipeline.Pipeline, t *tally) (map[string]tenantState, error) {
	var list tenantv1.TenantList
	if err := a.cache.List(ctx, &list, client.UnsafeDisableDeepCopy); err != nil {
		return nil, fmt.Errorf("listing Tenants: %w", err)
	}
	states := make(map[string]tenantState, len(list.Items))
	for start := 0; start < len(list.Items); start += int(a.opts.PageSize) {
		page := list.Items[start:min(start+int(a.opts.PageSize), len(list.Items))]
		objs := make([]map[string]any, 0, len(page))
		for i := range page {
			tn := &page[i]
			state := tenantState{generation: tn.Generation}
			if c := meta.FindStatusCondition(tn.Status.Conditions, tenantv1.ConditionPolicyCompliant); c != nil {
				current := *c // the cache's object is shared: keep a copy
				state.current = &current
			}
			states[tn.Name] = state
			obj, err := tenantlookup.ToMap(tn)
			if err != nil {
				return nil, err
			}
			objs = append(objs, obj)
		}
		if err := a.scanner.Judge(ctx, p, objs, t.add); err != nil {
			return nil, err
		}
	}
	return states, nil
}
