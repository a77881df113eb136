package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/tenantguard/tenantguard/cmd/tenantguard/app"
)

func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	opts := app.DefaultOptions()
	var kubeconfig string
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags.StringVar(&opts.Host, "host", "", "address the webhook listens on (default all interfaces)")
	flags.IntVar(&opts.Port, "port", opts.Port, "HTTPS port of the webhook")
	flags.StringVar(&opts.CertDir, "cert-dir", opts.CertDir, "directory holding tls.crt and tls.key")
	flags.StringVar(&opts.MetricsAddr, "metrics-bind-address", opts.MetricsAddr, "address of the metrics endpoint; 0 turns it off")
	flags.StringVar(&opts.ProfileAddr, "profile-bind-address", opts.ProfileAddr, "address serving Go's pprof profiles, e.g. 127.0.0.1:6060; off by default")
	flags.StringVar(&opts.ProbeAddr, "health-probe-bind-address", opts.ProbeAddr, "address of /healthz and /readyz; 0 turns them off")
	flags.BoolVar(&opts.EnableHTTP2, "enable-http2", false, "serve HTTP/2 as well as HTTP/1.1")
	bindPolicyFlags(flags, &opts.Policies)
	flags.DurationVar(&opts.ReloadInterval, "reload-interval", opts.ReloadInterval, "how often the policy directory and cluster config are checked for changes")
	flags.DurationVar(&opts.Limits.Deadline, "review-deadline", opts.Limits.Deadline, "longest a review may take; keep it under the webhook configuration's timeoutSeconds")
	flags.IntVar(&opts.Limits.MaxInFlight, "max-in-flight", opts.Limits.MaxInFlight, "reviews evaluated at once; more wait for a slot until their deadline")
	flags.Int64Var(&opts.MaxInFlightBytes, "max-in-flight-bytes", 0, "bytes of memory the reviews being decoded and evaluated hold at once, each charged by the values it holds; more wait until their deadline (default: 1/2 of GOMEMLIMIT and at least 64 MiB, or 1 GiB without one)")
	flags.Int64Var(&opts.MaxReceivingBytes, "max-receiving-bytes", 0, "bytes of request bodies being received at once, counted as they arrive (default: 1/8 of GOMEMLIMIT and at least 16 MiB, or 256 MiB without one)")
	conns := opts.Connections
	flags.IntVar(&opts.Connections.Max, "max-connections", conns.Max, "open connections to the webhook port; more wait in the accept queue")
	flags.DurationVar(&opts.Connections.ReadHeaderTimeout, "read-header-timeout", conns.ReadHeaderTimeout, "longest the TLS handshake and a request's headers may take")
	flags.DurationVar(&opts.Connections.ReadTimeout, "read-timeout", conns.ReadTimeout, "longest a whole request, body included, may take to arrive")
	flags.DurationVar(&opts.Connections.WriteTimeout, "write-timeout", conns.WriteTimeout, "longest from a request's headers to the end of its response")
	flags.DurationVar(&opts.Connections.IdleTimeout, "idle-timeout", conns.IdleTimeout, "how long a keep-alive connection may wait for its next request")
	flags.IntVar(&opts.Connections.MaxHeaderBytes, "max-header-bytes", conns.MaxHeaderBytes, "most bytes of request headers read")
	flags.BoolVar(&opts.Supervisor, "supervisor", opts.Supervisor, "run the supervisor, which makes each Tenant's namespace, AppProject and Application, on the elected leader")
	flags.IntVar(&opts.SupervisorOptions.Workers, "supervisor-workers", opts.SupervisorOptions.Workers, "Tenants the supervisor reconciles at once")
	bindAuditFlags(flags, &opts)
	flags.BoolVar(&opts.Exceptions, "exception-controller", opts.Exceptions, "mark each PolicyException Active or Expired at its expiry, and delete expired ones when the cluster config says so, on the elected leader")
	flags.BoolVar(&opts.LeaderElection, "leader-elect", opts.LeaderElection, "elect one replica, by a Lease, to run the supervisor, the audit and the exception controller (only with one of them); the webhooks serve on every replica")
	flags.StringVar(&opts.LeaderElectionNamespace, "leader-election-namespace", "", "namespace of the leader election Lease (default the pod's namespace; required outside a cluster)")
	flags.StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig file (default in-cluster config or $KUBECONFIG)")
	logOpts := zap.Options{}
	logOpts.BindFlags(flags)
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tenantguard serve [flags]\n\n"+
			"Serves the mutating and validating admission webhooks over HTTPS, and on the\n"+
			"elected replica the supervisor, the audit and the exception controller when\n"+
			"asked for.\n\nFlags:")
		flags.PrintDefaults()
	}
	if err := parseFlags(flags, args, stdout, stderr); err != nil {
		return usageExit(err)
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&logOpts)))
	setupLog := ctrl.Log.WithName("setup")
	if _, err := setGoMemoryLimit(os.Getenv); err != nil {
		setupLog.Error(err, "unable to set Go's memory limit")
		return exitUsage
	}
	restCfg, err := restConfig(kubeconfig)
	if err != nil {
		setupLog.Error(err, "unable to load kubeconfig")
		return exitUsage
	}
	ctx := ctrl.SetupSignalHandler()
	mgr, err := app.New(ctx, restCfg, opts)
	if err != nil {
		setupLog.Error(err, "unable to set up the webhook server")
		return exitUsage
	}
	setupLog.Info("serving", "version", version, "port", opts.Port, "supervisor", opts.Supervisor, "audit", opts.Audit, "exceptionController", opts.Exceptions, "leaderElection", opts.LeaderElection)
	if err := mgr.Start(ctx); err != nil {
		setupLog.Error(err, "webhook server stopped")
		return exitViolation
	}
	return exitOK
}

// bindAuditFlags binds the flags of the audit that serve runs.
func bindAuditFlags(flags *flag.FlagSet, opts *app.Options) {
	a := &opts.AuditOptions
	flags.BoolVar(&opts.Audit, "audit", opts.Audit, "audit the stored Applications and Tenants on the elected leader and write OpenReports (needs the openreports.io CRDs)")
	flags.DurationVar(&a.Interval, "audit-interval", a.Interval, "time between audits, besides the one at start and one after each policy or config reload")
	flags.IntVar(&a.MaxResults, "audit-max-results", a.MaxResults, "most results one report holds; its summary counts every finding")
	flags.Int64Var(&a.PageSize, "audit-page-size", a.PageSize, "Applications listed from the API server, and held, at once")
	flags.IntVar(&a.Workers, "audit-workers", a.Workers, "objects the audit judges at once")
	flags.IntVar(&a.NamespaceSeries, "audit-namespace-series", a.NamespaceSeries, "namespaces, those with the most findings, given a series of their own in tenantguard_audit_namespace_findings")
}

// restConfig reads --kubeconfig, else the in-cluster config or $KUBECONFIG.
// Either way client-side rate limiting is off, as controller-runtime's own
// loader leaves it: the API server's priority and fairness limits the
// supervisor's writes instead of a fixed 5 requests a second.
func restConfig(kubeconfig string) (*rest.Config, error) {
	if kubeconfig == "" {
		return ctrl.GetConfig()
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("--kubeconfig: %w", err)
	}
	if cfg.QPS == 0 {
		cfg.QPS = -1
	}
	return cfg, nil
}
