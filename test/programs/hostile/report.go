package main

import (
	"fmt"
	"sort"
	"time"

	"github.com/tenantguard/tenantguard/test/support/runstats"
)

// row is what one attack's window measured.
type row struct {
	attack *attack
	tally  *tally
	// err is a failure of the attack itself (it could not be set up).
	err    error
	wall   time.Duration
	capped bool
	mem    memWindow
	valid  *validWindow
	// logBytes is how much the server logged during the attack.
	logBytes   int64
	died       error
	metrics    *metricsScrape
	metricsErr error
}

// printReport prints the table, then each attack's details and the checks,
// and returns false when a check failed.
func printReport(o options, rows []*row) bool {
	fmt.Println()
	fmt.Println("| attack | wall | sent | answers | unexpected | answer p50 / p99 / max | server RSS MiB start → peak (cgroup peak) | server fds peak | valid n / failed / wrong | valid p50 / p99 | /metrics | server log |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, r := range rows {
		fmt.Println(r.tableLine())
	}
	fmt.Println()
	fmt.Println("(answers: the attack's outcomes by class, a number alone being the review's status code; answer p50/p99/max: time to the answer,")
	fmt.Println(" or for connection attacks how long the server held each handshaken one; server RSS: VmRSS every 20 ms, and in")
	fmt.Println(" parentheses the most its memory cgroup was charged, page cache included; valid: reviews sent,")
	fmt.Println(" failed (not judged: transport error, 503 or 500) and wrong (judged wrongly), with the latency of those answered)")
	fmt.Println()
	var failures []string
	for _, r := range rows {
		failures = append(failures, r.details(o)...)
	}
	fmt.Println()
	if len(failures) == 0 {
		fmt.Println("all checks passed: the server stayed up, under the memory limit, judged every valid review right and kept /metrics bounded")
		return true
	}
	fmt.Println("FAILED CHECKS:")
	for _, f := range failures {
		fmt.Println("  " + f)
	}
	return false
}

func (r *row) tableLine() string {
	t := r.tally
	p50, p99, longest := t.latency()
	unexpected, _ := t.unexpected(r.attack.expected)
	wall := r.wall.Round(100 * time.Millisecond).String()
	if r.capped {
		wall += " (cap)"
	}
	vs := runstats.Sorted(r.valid.latencies)
	metrics := "-"
	if r.metrics != nil {
		metrics = fmt.Sprintf("%.0f KB", float64(r.metrics.size)/1000)
	}
	if r.died != nil {
		metrics = "DIED"
	}
	times := "-"
	if longest > 0 {
		times = fmt.Sprintf("%s / %s / %s", runstats.Ms(p50), runstats.Ms(p99), runstats.Ms(longest))
	}
	memory := mib(r.mem.startRSS) + " → " + mib(r.mem.peakRSS)
	if r.mem.cgroupPeak >= 0 {
		memory += " (" + mib(r.mem.cgroupPeak) + ")"
	}
	return fmt.Sprintf("| %s | %s | %d | %s | %d | %s | %s | %d | %d / %d / %d | %s / %s | %s | %s |",
		r.attack.name, wall, t.total(), t.summary(), unexpected, times,
		memory, r.mem.peakFDs,
		r.valid.sent, r.valid.failed, r.valid.wrong,
		runstats.Ms(runstats.Percentile(vs, 0.5)), runstats.Ms(runstats.Percentile(vs, 0.99)),
		metrics, byteSize(r.logBytes))
}

// details prints what the attack sent and expected, its notes, what was
// unexpected and what went wrong, and returns the failed checks.
func (r *row) details(o options) []string {
	name := r.attack.name
	fmt.Printf("%s: %s\n  expected: %s\n", name, r.attack.what, r.attack.expect)
	for _, n := range r.tally.notes {
		fmt.Println("  " + n)
	}
	var failures []string
	if r.err != nil {
		failures = append(failures, fmt.Sprintf("%s: the attack failed to run: %v", name, r.err))
	}
	if n, lines := r.tally.unexpected(r.attack.expected); n > 0 {
		fmt.Printf("  %d outcomes other than expected:\n", n)
		for _, l := range lines {
			fmt.Println("    " + l)
		}
		if o.strict {
			failures = append(failures, fmt.Sprintf("%s: %d outcomes other than expected (-strict)", name, n))
		}
	}
	// Too short a window says nothing: the clients may just be mid-request.
	if scheduled := int(o.validRate * r.wall.Seconds()); scheduled >= 100 && r.valid.sent < scheduled/2 {
		fmt.Printf("  the valid stream was held up: %d reviews sent of about %d scheduled\n", r.valid.sent, scheduled)
	}
	for _, key := range sortedKeys(r.valid.reasons) {
		fmt.Printf("  valid reviews: %d× %s, e.g. %q\n", r.valid.reasons[key], key, r.valid.examples[key])
	}
	if r.died != nil {
		failures = append(failures, fmt.Sprintf("%s: the server died: %v", name, r.died))
	}
	if limit := o.rssLimitMiB << 20; r.mem.peakRSS > limit {
		failures = append(failures, fmt.Sprintf("%s: the server's RSS peaked at %s MiB, over %d MiB", name, mib(r.mem.peakRSS), o.rssLimitMiB))
	}
	if r.valid.wrong > 0 {
		failures = append(failures, fmt.Sprintf("%s: %d valid reviews got a wrong answer", name, r.valid.wrong))
	}
	switch {
	case r.metricsErr != nil:
		failures = append(failures, fmt.Sprintf("%s: GET /metrics afterwards: %v", name, r.metricsErr))
	case r.metrics != nil:
		fmt.Printf("  /metrics afterwards: %d bytes, %d tenantguard_reviews_total series\n", r.metrics.size, r.metrics.series)
		for _, p := range r.metrics.problems() {
			failures = append(failures, name+": "+p)
		}
	}
	return failures
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// byteSize formats a byte count for the table.
func byteSize(b int64) string {
	switch {
	case b >= 10<<20:
		return fmt.Sprintf("%d MiB", b>>20)
	case b >= 10<<10:
		return fmt.Sprintf("%d KiB", b>>10)
	}
	return fmt.Sprintf("%d B", b)
}
