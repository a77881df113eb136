package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// checker prints each check's outcome as it is made and remembers whether
// any failed.
type checker struct{ ok bool }

func (c *checker) check(what string, err error) {
	if err != nil {
		c.ok = false
		fmt.Printf("CHECK FAILED: %s: %v\n", what, err)
	} else {
		fmt.Printf("check ok: %s\n", what)
	}
}

// report prints both targets' results side by side and returns false when
// either run was capped or had failed reviews.
func report(base, tg *result) bool {
	fmt.Println()
	fmt.Printf("%-12s %9s %9s %10s %9s %9s %9s %7s %9s\n", "target", "requests", "wall", "reviews/s", "p50", "p99", "max", "failed", "CPU/wall")
	baseOK := printRow("baseline", base)
	tgOK := printRow("tenantguard", tg)
	b, t := summarize(base), summarize(tg)
	if b.rate > 0 && b.p99 > 0 {
		fmt.Printf("tenantguard/baseline: throughput %.3f, p99 %.2fx\n", t.rate/b.rate, float64(t.p99)/float64(b.p99))
	}
	fmt.Println("(CPU/wall: CPU seconds of this process — load client and both servers — per wall second; the API server and etcd are other processes)")
	return baseOK && tgOK
}

// printRow prints one target's line of the table, its event windows and its
// failures, and returns false when its run was capped or had failed reviews.
func printRow(name string, res *result) bool {
	s := summarize(res)
	fmt.Printf("%-12s %9d %9s %10.0f %9s %9s %9s %7d %9.2f\n", name, res.sent, res.wall.Round(time.Millisecond),
		s.rate, ms(s.p50), ms(s.p99), ms(s.max), res.failed, res.cpu.Seconds()/res.wall.Seconds())
	for _, w := range res.windows {
		fmt.Printf("  %s\n", w)
	}
	ok := true
	if res.capped {
		fmt.Printf("  %s stopped at the duration cap after %d requests\n", name, res.sent)
		ok = false
	}
	if res.failed > 0 {
		ok = false
		printFailures(res)
	}
	return ok
}

// printFailures prints a run's failures by reason, in a stable order.
func printFailures(res *result) {
	keys := make([]string, 0, len(res.failures))
	for k := range res.failures {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("  %d× %s (e.g. %s)\n", res.failures[k].count, k, res.failures[k].example)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// percentile returns the p-th percentile (0..1) of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// summary is a run's throughput and latency percentiles.
type summary struct {
	rate          float64
	p50, p99, max time.Duration
}

func summarize(res *result) summary {
	sorted := append([]time.Duration(nil), res.latencies...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	s := summary{p50: percentile(sorted, 0.50), p99: percentile(sorted, 0.99)}
	if len(sorted) > 0 {
		s.max = sorted[len(sorted)-1]
	}
	if res.wall > 0 {
		s.rate = float64(res.sent) / res.wall.Seconds()
	}
	return s
}

// loadAverage is the machine's 1, 5 and 15 minute load averages: a busy
// machine explains slow numbers.
func loadAverage() string {
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

// commandLine is the command as typed: `go run ./test/load` leaves a binary in
// the build cache's temporary directory, which is not worth printing.
func commandLine() string {
	args := strings.Join(os.Args[1:], " ")
	prog := os.Args[0]
	if strings.Contains(prog, "go-build") {
		prog = "go run ./test/load"
	}
	line := strings.TrimSpace(prog + " " + args)
	if assets := os.Getenv("KUBEBUILDER_ASSETS"); assets != "" {
		line = "KUBEBUILDER_ASSETS=" + assets + " " + line
	}
	return line
}
