package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"k8s.io/utils/clock"

	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/eval"
	"github.com/tenantguard/tenantguard/manifests"
	"github.com/tenantguard/tenantguard/report"
)

// evalOptions are the parsed flags of `tenantguard eval`.
type evalOptions struct {
	paths      []string
	tenants    stringList
	exceptions stringList
	// clock is the time PolicyExceptions are judged at: --now, else the
	// wall clock (nil); tests in process set it.
	clock      clock.PassiveClock
	policies   live.Loader
	format     report.Format
	failOnWarn bool
	mutate     bool
	diff       bool
}

// stringList is a flag that may be given several times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func runEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, err := parseEvalFlags(args, stdout, stderr)
	if err != nil {
		return usageExit(err)
	}
	tuneGC()
	code, err := evaluate(context.Background(), opts, stdin, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "tenantguard eval: %v\n", err)
	}
	return code
}

func parseEvalFlags(args []string, stdout, stderr io.Writer) (evalOptions, error) {
	var opts evalOptions
	flags := flag.NewFlagSet("eval", flag.ContinueOnError)
	output := flags.String("o", string(report.Text), "output format: "+formatList())
	flags.Var(&opts.tenants, "tenants", "file or directory of Tenants giving context to the Applications (repeatable)")
	flags.Var(&opts.exceptions, "exceptions", "file or directory of PolicyExceptions that may waive findings (repeatable)")
	flags.Var(nowFlag{&opts.clock}, "now", "judge PolicyExceptions as of this RFC 3339 time instead of the clock's,\n"+
		"such as 2026-12-06T12:00:00Z, to see whether the manifests still pass once an exception expires")
	bindPolicyFlags(flags, &opts.policies)
	flags.BoolVar(&opts.failOnWarn, "fail-on-warn", false, "exit 1 on warnings as well as violations")
	flags.BoolVar(&opts.mutate, "mutate", false, "print the manifests with the webhook's defaults filled in, instead of evaluating them")
	flags.BoolVar(&opts.diff, "diff", false, "print a unified diff of what the webhook's defaults change in each manifest, instead of evaluating them")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tenantguard eval [flags] PATH...\n\n"+
			"Evaluates manifests (files, directories, - for stdin; multi-document YAML or JSON)\n"+
			"against tenantguard's policies. Tenants among the documents give context to the\n"+
			"Applications; PolicyExceptions among them, or in --exceptions files, waive the\n"+
			"findings they name until they expire: a waived finding is reported as WAIVED with\n"+
			"its exception and expiry, and fails nothing. A document that cannot be read or is\n"+
			"malformed is reported in its place and the others are judged. Exit code 0 when\n"+
			"clean, 1 on a violation, 2 on a usage error or a document not judged.\n\nFlags:")
		flags.PrintDefaults()
	}
	if err := parseFlags(flags, args, stdout, stderr); err != nil {
		return opts, err
	}
	opts.format = report.Format(*output)
	if !slices.Contains(report.Formats, opts.format) {
		fmt.Fprintf(stderr, "tenantguard eval: -o: unknown format %q (want %s)\n", *output, formatList())
		return opts, errUsage
	}
	if opts.paths = flags.Args(); len(opts.paths) == 0 {
		flags.Usage()
		return opts, errUsage
	}
	return opts, nil
}

// evalMemoryLimit is the Go memory limit of eval unless GOMEMLIMIT is set.
const evalMemoryLimit = 96 << 20

// tuneGC lets eval, a short batch whose live heap is small (the policies,
// the Tenants, one document per worker), collect garbage seldom: about a
// tenth faster than Go's default. The memory limit keeps its peak the same
// whatever the input's length; the collector works harder only near it.
// GOGC and GOMEMLIMIT, when set, still decide.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(evalMemoryLimit)
	}
}

// evaluate judges the manifests as the webhooks would judge their creation,
// with the policies and cluster config serve would load, and returns the
// exit code. Each document not judged is told on stderr as well, for a
// report written to a file.
func evaluate(ctx context.Context, opts evalOptions, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	snapshot, err := opts.policies.Load(ctx)
	if err != nil {
		return exitUsage, err
	}
	p := pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine}
	if opts.mutate || opts.diff {
		return mutateAll(ctx, opts, p, stdin, stdout)
	}
	inputs, err := manifests.Open(opts.paths, stdin)
	if err != nil {
		return exitUsage, err
	}
	defer inputs.Close()
	extra, err := contextOf(opts, stdin)
	if err != nil {
		return exitUsage, err
	}
	judging := eval.WithContext(p, inputs, eval.Options{Context: extra, Clock: opts.clock})
	results, err := eval.EvaluateInputs(ctx, judging, inputs)
	if err != nil {
		return exitUsage, err
	}
	rep := report.Report{Tool: "tenantguard eval", Unit: "documents", Version: version, Rules: snapshot.Engine.Rules(), Results: results}
	if err := report.WriteReport(stdout, opts.format, rep); err != nil {
		return exitUsage, err
	}
	tellFailures(stderr, "tenantguard eval", results)
	return verdict(report.Summarize(results), opts.failOnWarn), nil
}

// contextOf reads the Tenants of the --tenants files and the
// PolicyExceptions of the --exceptions files, which only give context: a
// document of theirs that cannot be read, judged nowhere, stops the run,
// naming the flag and the file, and so does an exception that could not
// be stored in a cluster, which would waive nothing without a word.
func contextOf(opts evalOptions, stdin io.Reader) (manifests.Context, error) {
	tenants, err := readContext(opts.tenants, "--tenants", stdin)
	if err != nil {
		return manifests.Context{}, err
	}
	exceptions, err := readContext(opts.exceptions, "--exceptions", stdin)
	if err != nil {
		return manifests.Context{}, err
	}
	for _, e := range exceptions.Exceptions {
		if _, err := exceptionlookup.FromMap(e); err != nil {
			return manifests.Context{}, fmt.Errorf("--exceptions: %w", err)
		}
	}
	return manifests.Context{Tenants: tenants.Tenants, Exceptions: exceptions.Exceptions}, nil
}

// readContext reads the Tenants and PolicyExceptions of the files a flag names.
func readContext(paths []string, flagName string, stdin io.Reader) (manifests.Context, error) {
	in, err := manifests.Open(paths, stdin)
	if err != nil {
		return manifests.Context{}, fmt.Errorf("%s: %w", flagName, err)
	}
	defer in.Close()
	c, err := in.Context()
	if err != nil {
		return manifests.Context{}, fmt.Errorf("%s: %w", flagName, err)
	}
	return c, nil
}

// mutateAll reads every document, those of --tenants first, and prints the
// manifests' defaults.
func mutateAll(ctx context.Context, opts evalOptions, p pipeline.Pipeline, stdin io.Reader, stdout io.Writer) (int, error) {
	docs, err := manifests.Read(opts.paths, stdin)
	if err != nil {
		return exitUsage, err
	}
	tenantDocs, err := manifests.Read(opts.tenants, stdin)
	if err != nil {
		return exitUsage, fmt.Errorf("--tenants: %w", err)
	}
	return mutate(ctx, opts, p, append(tenantDocs, docs...), len(tenantDocs), stdout)
}

// formatList names the output formats for flag help and errors.
func formatList() string {
	names := make([]string, len(report.Formats))
	for i, f := range report.Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// mutate prints the documents after the first skip, defaulted, or the diffs of
// their defaults; the skipped documents (--tenants files) only give context.
func mutate(ctx context.Context, opts evalOptions, p pipeline.Pipeline, docs []manifests.Document, skip int, stdout io.Writer) (int, error) {
	mutated, err := eval.Mutate(ctx, p, docs)
	if err != nil {
		return exitUsage, err
	}
	write := eval.WriteManifests
	if opts.diff {
		write = eval.WriteDiffs
	}
	if err := write(stdout, mutated[skip:]); err != nil {
		return exitUsage, err
	}
	return exitOK, nil
}

// bindPolicyFlags binds the flags that say which policies and cluster config
// to load, the same for serve, eval and rules.
func bindPolicyFlags(flags *flag.FlagSet, loader *live.Loader) {
	flags.StringVar(&loader.PolicyDir, "policy-dir", "", "directory of Rego policies to run instead of the embedded ones")
	flags.StringVar(&loader.ExtraPolicyDir, "extra-policy-dir", "", "directory of Rego files to run beside the policies, such as rules of your own")
	flags.StringVar(&loader.ConfigFile, "config", "", "cluster config file (default: the built-in defaults)")
}
