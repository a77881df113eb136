package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/go-logr/logr"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
)

// AddPorts serves the metrics and the probes on ports of their own, within
// the same connection bounds as the webhooks: any pod can reach them too. A
// full port closes a slow or long-idle connection for a new one, so clients
// holding connections lock out neither the kubelet's probes nor Prometheus.
// controller-runtime's own metrics and probe servers are turned off in
// the manager; they have no body-read timeout and no bound on connections.
func AddPorts(mgr manager.Manager, opts Options, hooks webhook.Server) error {
	log := mgr.GetLogger().WithName("ports")
	if opts.MetricsAddr != "0" {
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(ctrlmetrics.Registry, promhttp.HandlerOpts{}))
		if err := mgr.Add(&boundedServer{name: "metrics", addr: opts.MetricsAddr, handler: mux, conns: opts.Connections, log: log}); err != nil {
			return err
		}
	}
	if err := addProfiles(mgr, opts, log); err != nil {
		return err
	}
	if opts.ProbeAddr == "0" {
		return nil
	}
	mux := http.NewServeMux()
	handle(mux, "/healthz", map[string]healthz.Checker{"ping": healthz.Ping})
	handle(mux, "/readyz", map[string]healthz.Checker{"webhook": hooks.StartedChecker(), "tenant-cache": cacheSynced(mgr)})
	return mgr.Add(&boundedServer{name: "probes", addr: opts.ProbeAddr, handler: mux, conns: opts.Connections, log: log})
}

// addProfiles serves net/http/pprof at ProfileAddr when it is set.
func addProfiles(mgr manager.Manager, opts Options, log logr.Logger) error {
	if opts.ProfileAddr == "" || opts.ProfileAddr == "0" {
		return nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mgr.Add(&boundedServer{name: "profiles", addr: opts.ProfileAddr, handler: mux, conns: opts.Connections, log: log})
}

// handle serves checks at path, and each check alone at path/<name>.
func handle(mux *http.ServeMux, path string, checks map[string]healthz.Checker) {
	h := http.StripPrefix(path, &healthz.Handler{Checks: checks})
	mux.Handle(path, h)
	mux.Handle(path+"/", h)
}

// cacheSynced is ready once the manager's cache has synced: the Tenants and
// PolicyExceptions the webhooks look up among the rest (the policies are
// loaded before New returns). The check keeps its first name, tenant-cache,
// which probes and dashboards may already call.
func cacheSynced(mgr manager.Manager) healthz.Checker {
	return func(req *http.Request) error {
		ctx, cancel := context.WithTimeout(req.Context(), time.Second)
		defer cancel()
		if !mgr.GetCache().WaitForCacheSync(ctx) {
			return fmt.Errorf("the cache of Tenants and PolicyExceptions has not synced")
		}
		return nil
	}
}
