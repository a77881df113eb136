// Command tenantguard is the admission webhook and policy engine for
// multi-tenant Argo CD platforms.
//
//	tenantguard serve     serve the mutating and validating webhooks
//	tenantguard eval      evaluate rendered manifests offline, as CI does
//	tenantguard audit     judge the Applications and Tenants stored in a cluster
//	tenantguard rules     list the rules with their id, enforcement and title
//	tenantguard version   print the version
//
// Flags are parsed here and only here; the packages under webhook/ take options.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes shared by the subcommands.
const (
	exitOK        = 0
	exitViolation = 1
	exitUsage     = 2
)

// command is one subcommand: it parses its own arguments and returns an exit code.
type command struct {
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"serve":   {"serve the mutating and validating admission webhooks", runServe},
	"eval":    {"evaluate rendered manifests against the policies", runEval},
	"audit":   {"judge the Applications and Tenants stored in a cluster", runAudit},
	"rules":   {"list the rules with their id, enforcement and title", runRules},
	"version": {"print the version", runVersion},
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		return exitUsage
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "tenantguard: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return cmd.run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: tenantguard <command> [flags]\n\nCommands:")
	for _, name := range []string{"serve", "eval", "audit", "rules", "version"} {
		fmt.Fprintf(w, "  %-8s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nRun 'tenantguard <command> -h' for a command's flags.")
}

func runVersion(_ []string, _ io.Reader, stdout, _ io.Writer) int {
	fmt.Fprintf(stdout, "tenantguard %s\n", version)
	return exitOK
}
