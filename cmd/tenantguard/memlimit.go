package main

import (
	"fmt"
	"runtime/debug"
	"strconv"
)

// containerMemoryLimitEnv names the variable in which the chart and
// config/default give serve its container's memory limit, in bytes.
const containerMemoryLimitEnv = "TENANTGUARD_MEMORY_LIMIT"

// goMemoryLimit is Go's memory limit for a container limited to limit bytes:
// nine tenths of it. Go's limit counts only the memory the runtime manages;
// the rest of the limit is for what it does not count (the binary's pages,
// C and kernel buffers) and for the garbage the collector has not yet
// reached when the heap nears the limit, so that the kernel never kills the
// pod first.
func goMemoryLimit(limit int64) int64 {
	return limit / 10 * 9
}

// setGoMemoryLimit sets Go's memory limit from the container's, read from
// containerMemoryLimitEnv through getenv, unless GOMEMLIMIT is set, which
// then decides as always. It returns the limit set, 0 when it set none.
func setGoMemoryLimit(getenv func(string) string) (int64, error) {
	value := getenv(containerMemoryLimitEnv)
	if value == "" || getenv("GOMEMLIMIT") != "" {
		return 0, nil
	}
	limit, err := strconv.ParseInt(value, 10, 64)
	if err != nil || limit <= 0 {
		return 0, fmt.Errorf("%s: want the container's memory limit in bytes, a positive integer, got %q", containerMemoryLimitEnv, value)
	}
	goLimit := goMemoryLimit(limit)
	debug.SetMemoryLimit(goLimit)
	return goLimit, nil
}
