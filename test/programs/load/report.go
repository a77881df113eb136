package main

import (
	"fmt"
	"sort"
	"time"

	"github.com/tenantguard/tenantguard/test/support/runstats"
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
		s.rate, runstats.Ms(s.p50), runstats.Ms(s.p99), runstats.Ms(s.max), res.failed, res.cpu.Seconds()/res.wall.Seconds())
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

// summary is a run's throughput and latency percentiles.
type summary struct {
	rate          float64
	p50, p99, max time.Duration
}

func summarize(res *result) summary {
	sorted := runstats.Sorted(res.latencies)
	s := summary{p50: runstats.Percentile(sorted, 0.50), p99: runstats.Percentile(sorted, 0.99)}
	if len(sorted) > 0 {
		s.max = sorted[len(sorted)-1]
	}
	if res.wall > 0 {
		s.rate = float64(res.sent) / res.wall.Seconds()
	}
	return s
}
