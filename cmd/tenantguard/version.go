package main

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

// version and commit are stamped at build time with
// -ldflags "-X main.version=... -X main.commit=...", as the Dockerfile's build
// line does: its build context has no .git, so Go cannot stamp the commit itself.
var (
	version = "dev"
	commit  = ""
)

func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("version", flag.ContinueOnError)
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "Usage: tenantguard version\n\nPrints the version and the commit tenantguard was built from.")
	}
	if err := parseFlags(flags, args, stdout, stderr); err != nil {
		return usageExit(err)
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "tenantguard version: unexpected argument %q\n", flags.Arg(0))
		return exitUsage
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintf(stdout, "tenantguard %s\ncommit %s\n", version, builtFrom(commit, info))
	return exitOK
}

// builtFrom returns the commit stamped with -X main.commit, else the revision Go
// recorded from the git checkout it was built in (`go build` with -buildvcs,
// "-dirty" when the tree had changes), else "unknown".
func builtFrom(stamped string, info *debug.BuildInfo) string {
	if stamped != "" {
		return stamped
	}
	if info == nil {
		return "unknown"
	}
	revision, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	switch {
	case revision == "":
		return "unknown"
	case dirty:
		return revision + "-dirty"
	default:
		return revision
	}
}
