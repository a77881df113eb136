// Package runstats holds what the measuring programs and benchmarks under
// test/ and beside the code share to describe a run: the command that
// reproduces it, the machine's load, latency percentiles and the process's
// CPU time.
package runstats

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"
)

// CommandLine is the command as typed, for the report, so that a reader can
// rerun it. `go run ./test/<program>` leaves a binary in the build cache's
// temporary directory, which is not worth printing; pkg names that program.
// KUBEBUILDER_ASSETS is part of the command when it is set.
func CommandLine(pkg string) string {
	prog := os.Args[0]
	if strings.Contains(prog, "go-build") {
		prog = "go run " + pkg
	}
	line := strings.TrimSpace(prog + " " + strings.Join(os.Args[1:], " "))
	if assets := os.Getenv("KUBEBUILDER_ASSETS"); assets != "" {
		line = "KUBEBUILDER_ASSETS=" + assets + " " + line
	}
	return line
}

// LoadAverage is the machine's 1, 5 and 15 minute load averages: a busy
// machine explains slow numbers.
func LoadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}

// Percentile returns the p-th percentile (0..1) of sorted latencies, by the
// nearest-rank method; 0 for none.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// Sorted returns a sorted copy of latencies.
func Sorted(latencies []time.Duration) []time.Duration {
	sorted := append([]time.Duration(nil), latencies...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	return sorted
}

// Ms formats d in milliseconds with two decimals.
func Ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// ProcessCPU is the user and system CPU time this process has used so far,
// the collector's workers included; 0 when the system does not say. On a
// server bound by its CPU, CPU time per request is what sets the requests per
// second, and other work on the machine does not count in it.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
