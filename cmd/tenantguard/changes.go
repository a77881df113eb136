package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/tenantguard/tenantguard/changes"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/report"
)

// changesOptions are the parsed flags of `tenantguard changes`.
type changesOptions struct {
	build      changes.Options
	policies   live.Loader
	format     report.Format
	failOnWarn bool
	printInput bool
}

// actorVariables are the CI variables --actor defaults to, in order: the
// user who started a GitHub Actions run, the user of a GitLab CI pipeline.
var actorVariables = []string{"GITHUB_ACTOR", "GITLAB_USER_LOGIN"}

func runChanges(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	opts, err := parseChangesFlags(args, stdout, stderr)
	if err != nil {
		return usageExit(err)
	}
	code, err := judgeChanges(context.Background(), opts, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "tenantguard changes: %v\n", err)
	}
	return code
}

func parseChangesFlags(args []string, stdout, stderr io.Writer) (changesOptions, error) {
	var opts changesOptions
	flags := flag.NewFlagSet("changes", flag.ContinueOnError)
	flags.StringVar(&opts.build.Base, "base", "origin/main", "the branch the pull request merges into (any git revision)")
	flags.StringVar(&opts.build.Head, "head", "HEAD", "the pull request's head (any git revision); the change is base...head, from their merge base")
	flags.StringVar(&opts.build.Actor, "actor", firstSet(actorVariables), "who made the change, as the git host names them (default $GITHUB_ACTOR, else $GITLAB_USER_LOGIN)")
	output := flags.String("o", string(report.Text), "output format: "+formatList())
	bindPolicyFlags(flags, &opts.policies)
	flags.BoolVar(&opts.failOnWarn, "fail-on-warn", false, "exit 1 on warnings as well as violations")
	flags.BoolVar(&opts.printInput, "print-input", false, "print the change set as the rules read it (JSON, for conftest --namespace changes) instead of judging it")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tenantguard changes [flags] [REPO]\n\n"+
			"Judges what a pull request changes in the platform repository REPO (default: the\n"+
			"current directory): production files must equal their staging counterparts, files\n"+
			"only automation writes change only by automation, image tags reach production only\n"+
			"after staging ran them, nothing leaves its environment directory. Exit code 0 when\n"+
			"clean, 1 on a violation, 2 on a usage error or a repository that cannot be read.\n\nFlags:")
		flags.PrintDefaults()
	}
	if err := parseFlags(flags, args, stdout, stderr); err != nil {
		return opts, err
	}
	opts.format = report.Format(*output)
	if !slices.Contains(report.Formats, opts.format) {
		fmt.Fprintf(stderr, "tenantguard changes: -o: unknown format %q (want %s)\n", *output, formatList())
		return opts, errUsage
	}
	switch flags.NArg() {
	case 0:
		opts.build.Dir = "."
	case 1:
		opts.build.Dir = flags.Arg(0)
	default:
		fmt.Fprintf(stderr, "tenantguard changes: one repository at most, got %d\n", flags.NArg())
		return opts, errUsage
	}
	return opts, nil
}

// judgeChanges builds the change set and judges it with the policies and
// cluster config serve would load, or prints it; it returns the exit code.
func judgeChanges(ctx context.Context, opts changesOptions, stdout io.Writer) (int, error) {
	snapshot, err := opts.policies.Load(ctx)
	if err != nil {
		return exitUsage, err
	}
	opts.build.Config = snapshot.Config
	changeSet, err := changes.Build(ctx, opts.build)
	if err != nil {
		return exitUsage, err
	}
	if opts.printInput {
		return printInput(stdout, changeSet)
	}
	results, err := changes.Evaluate(ctx, snapshot.Engine, changeSet)
	if err != nil {
		return exitUsage, err
	}
	rep := report.Report{Tool: "tenantguard changes", Unit: "files", Version: version, Rules: snapshot.Engine.Rules(), Results: results}
	if err := report.WriteReport(stdout, opts.format, rep); err != nil {
		return exitUsage, err
	}
	return verdict(report.Summarize(results), opts.failOnWarn), nil
}

// printInput writes the change set exactly as the rules read it, indented.
func printInput(stdout io.Writer, changeSet *changes.ChangeSet) (int, error) {
	input, err := changeSet.Input()
	if err != nil {
		return exitUsage, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, input, "", "  "); err != nil {
		return exitUsage, err
	}
	out.WriteByte('\n')
	if _, err := out.WriteTo(stdout); err != nil {
		return exitUsage, err
	}
	return exitOK, nil
}

// verdict is the exit code of a report: 2 when a result could not be
// judged, which may hide a violation; else 1 on a violation, or on a
// warning with --fail-on-warn; else 0.
func verdict(s report.Summary, failOnWarn bool) int {
	switch {
	case s.Errors > 0:
		return exitUsage
	case s.Violations > 0 || failOnWarn && s.Warnings > 0:
		return exitViolation
	}
	return exitOK
}

// tellFailures prints each result that could not be judged on stderr, one
// line each naming its file, line and document, after the report.
func tellFailures(stderr io.Writer, command string, results []report.Result) {
	for _, r := range results {
		if r.Error != nil {
			fmt.Fprintf(stderr, "%s: %s\n", command, r.FailureSummary())
		}
	}
}

// firstSet is the value of the first of the environment variables that is set.
func firstSet(names []string) string {
	for _, name := range names {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return ""
}
