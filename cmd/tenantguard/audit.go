package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"slices"

	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/audit"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/report"
)

// auditOptions are the parsed flags of `tenantguard audit`.
type auditOptions struct {
	kubeconfig string
	policies   live.Loader
	format     report.Format
	failOnWarn bool
	scan       audit.Options
}

func runAudit(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	opts, err := parseAuditFlags(args, stdout, stderr)
	if err != nil {
		return usageExit(err)
	}
	code, err := auditCluster(context.Background(), opts, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "tenantguard audit: %v\n", err)
	}
	return code
}

func parseAuditFlags(args []string, stdout, stderr io.Writer) (auditOptions, error) {
	opts := auditOptions{scan: audit.DefaultOptions()}
	opts.scan.Workers = runtime.GOMAXPROCS(0)
	flags := flag.NewFlagSet("audit", flag.ContinueOnError)
	output := flags.String("o", string(report.Text), "output format: "+formatList())
	flags.StringVar(&opts.kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG, else the in-cluster config, else ~/.kube/config)")
	bindPolicyFlags(flags, &opts.policies)
	flags.BoolVar(&opts.failOnWarn, "fail-on-warn", false, "exit 1 on warnings as well as violations")
	flags.Int64Var(&opts.scan.PageSize, "page-size", opts.scan.PageSize, "Applications and Tenants listed from the API server at once")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tenantguard audit [flags]\n\n"+
			"Judges every Application and Tenant stored in a cluster as the validating webhook\n"+
			"would judge its creation, with the policies and cluster config serve would load,\n"+
			"and prints the findings as eval does. Exit code 0 when clean, 1 on a violation,\n"+
			"2 on a usage error, an unreachable cluster or an object that could not be judged.\n\nFlags:")
		flags.PrintDefaults()
	}
	if err := parseFlags(flags, args, stdout, stderr); err != nil {
		return opts, err
	}
	opts.format = report.Format(*output)
	if !slices.Contains(report.Formats, opts.format) {
		fmt.Fprintf(stderr, "tenantguard audit: -o: unknown format %q (want %s)\n", *output, formatList())
		return opts, errUsage
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "tenantguard audit: unexpected argument %q: the audit reads the cluster, not files (use eval)\n", flags.Arg(0))
		return opts, errUsage
	}
	if opts.scan.PageSize <= 0 {
		fmt.Fprintf(stderr, "tenantguard audit: -page-size: must be positive, got %d\n", opts.scan.PageSize)
		return opts, errUsage
	}
	return opts, nil
}

// auditCluster judges the cluster's objects and returns the exit code.
func auditCluster(ctx context.Context, opts auditOptions, stdout, stderr io.Writer) (int, error) {
	snapshot, err := opts.policies.Load(ctx)
	if err != nil {
		return exitUsage, err
	}
	cfg, err := restConfig(opts.kubeconfig)
	if err != nil {
		return exitUsage, err
	}
	scheme := k8sruntime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return exitUsage, err
	}
	if err := tenantv1.AddToScheme(scheme); err != nil {
		return exitUsage, err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return exitUsage, fmt.Errorf("connecting to the cluster: %w", err)
	}
	results, err := audit.Results(ctx, c, snapshot, opts.scan)
	if err != nil {
		return exitUsage, err
	}
	if err := report.Write(stdout, opts.format, results); err != nil {
		return exitUsage, err
	}
	tellFailures(stderr, "tenantguard audit", results)
	return verdict(report.Summarize(results), opts.failOnWarn), nil
}
