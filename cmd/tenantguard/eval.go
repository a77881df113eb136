package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/tenantguard/tenantguard/policies"
	"github.com/tenantguard/tenantguard/webhook/offline"
	"github.com/tenantguard/tenantguard/webhook/policy"
)

func runEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("eval", flag.ContinueOnError)
	flags.SetOutput(stderr)
	output := flags.String("o", string(offline.Text), "output format: text or json")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tenantguard eval [-o text|json] PATH...\n\n"+
			"Evaluates manifests (files, directories, - for stdin; multi-document YAML or JSON)\n"+
			"against tenantguard's policies. Exit code 0 when clean, 1 on a violation,\n"+
			"2 on a usage or parse error.\n\nFlags:")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	format := offline.Format(*output)
	if !slices.Contains(offline.Formats, format) {
		fmt.Fprintf(stderr, "tenantguard eval: -o: unknown format %q (want text or json)\n", *output)
		return exitUsage
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return exitUsage
	}
	return evaluate(flags.Args(), format, stdin, stdout, stderr)
}

func evaluate(paths []string, format offline.Format, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx := context.Background()
	docs, err := offline.Read(paths, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "tenantguard eval: %v\n", err)
		return exitUsage
	}
	engine, err := policy.New(ctx, policies.FS, nil)
	if err != nil {
		fmt.Fprintf(stderr, "tenantguard eval: %v\n", err)
		return exitUsage
	}
	results, err := offline.Evaluate(ctx, engine, docs)
	if err != nil {
		fmt.Fprintf(stderr, "tenantguard eval: %v\n", err)
		return exitUsage
	}
	if err := offline.Write(stdout, format, results); err != nil {
		fmt.Fprintf(stderr, "tenantguard eval: %v\n", err)
		return exitUsage
	}
	if offline.Summarize(results).Violations > 0 {
		return exitViolation
	}
	return exitOK
}
