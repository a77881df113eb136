package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/tenantguard/tenantguard/engine/live"
)

func runRules(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("rules", flag.ContinueOnError)
	output := flags.String("o", "text", "output format: text, json or markdown")
	var loader live.Loader
	bindPolicyFlags(flags, &loader)
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tenantguard rules [flags]\n\n"+
			"Lists the rules of the policies serve would load, with their id, default\n"+
			"enforcement and title.\n\nFlags:")
		flags.PrintDefaults()
	}
	if err := parseFlags(flags, args, stdout, stderr); err != nil {
		return usageExit(err)
	}
	snapshot, err := loader.Load(context.Background())
	if err != nil {
		fmt.Fprintf(stderr, "tenantguard rules: %v\n", err)
		return exitUsage
	}
	rules := snapshot.Engine.Rules()
	switch *output {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rules)
	case "text":
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tENFORCEMENT\tTITLE")
		for _, r := range rules {
			fmt.Fprintf(w, "%s\t%s\t%s\n", r.ID, r.Enforcement, r.Title)
		}
		err = w.Flush()
	case "markdown":
		fmt.Fprintln(stdout, "| id | enforcement | title |\n| --- | --- | --- |")
		for _, r := range rules {
			fmt.Fprintf(stdout, "| `%s` | %s | %s |\n", r.ID, r.Enforcement, r.Title)
		}
	default:
		fmt.Fprintf(stderr, "tenantguard rules: -o: unknown format %q (want text, json or markdown)\n", *output)
		return exitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "tenantguard rules: %v\n", err)
		return exitUsage
	}
	return exitOK
}
