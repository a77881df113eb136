package main

import (
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

func runVersion(_ []string, _ io.Reader, stdout, _ io.Writer) int {
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
