// Command tenantguard is the admission webhook and policy engine for
// multi-tenant Argo CD platforms.
//
//	tenantguard serve     serve the mutating and validating webhooks
//	tenantguard eval      evaluate rendered manifests offline, as CI does
//	tenantguard changes   judge what a pull request changes in the platform repository
//	tenantguard audit     judge the Applications and Tenants stored in a cluster
//	tenantguard rules     list the rules with their id, enforcement and title
//	tenantguard version   print the version and the commit it was built from
//
// Flags are parsed here and only here, one file per command; every other
// package takes options. serve's process is assembled in package app.
package main

import (
	"fmt"
	"io"
	"os"
)

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
	"changes": {"judge what a pull request changes in the platform repository", runChanges},
	"audit":   {"judge the Applications and Tenants stored in a cluster", runAudit},
	"rules":   {"list the rules with their id, enforcement and title", runRules},
	"version": {"print the version and the commit it was built from", runVersion},
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help" {
		usage(stdout)
		return exitOK
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
	for _, name := range []string{"serve", "eval", "changes", "audit", "rules", "version"} {
		fmt.Fprintf(w, "  %-8s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nRun 'tenantguard <command> -h' for a command's flags.")
}
