package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tenantguard/tenantguard/test/support/runstats"
)

// tally counts what an attack's requests or connections got back, by class,
// with one example message per class and the time each took. Workers of an
// attack share one.
type tally struct {
	mu        sync.Mutex
	counts    map[string]int
	examples  map[string]string
	latencies []time.Duration
	// notes are lines the attack adds to the report: sizes, limits applied,
	// what it checked afterwards.
	notes []string
}

func newTally() *tally {
	return &tally{counts: map[string]int{}, examples: map[string]string{}}
}

// add counts one outcome; took is how long it took to get it, or
// noTime when that says nothing about the server.
func (t *tally) add(class, example string, took time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts[class]++; t.counts[class] == 1 {
		t.examples[class] = shorten(example, 160)
	}
	if took != noTime {
		t.latencies = append(t.latencies, took)
	}
}

// noTime marks an outcome whose duration is not the server's doing, such
// as a connection that waited in the kernel's accept queue.
const noTime time.Duration = -1

// addAnswer counts a request's answer. When mention is set, a refusal whose
// message names it is classed apart ("400 naming limits.maxDepth"), so that
// a 400 for another reason does not pass for the limit at work.
func (t *tally) addAnswer(a answer, mention string, took time.Duration) {
	class := a.class
	if mention != "" && a.review != nil && !a.review.Allowed && strings.Contains(a.message, mention) {
		class += " naming " + mention
	}
	t.add(class, a.message, took)
}

// note adds a line to the attack's report.
func (t *tally) note(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.notes = append(t.notes, fmt.Sprintf(format, args...))
}

// total is how many outcomes were counted.
func (t *tally) total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, c := range t.counts {
		n += c
	}
	return n
}

// classes returns the classes, most frequent first.
func (t *tally) classes() []string {
	keys := make([]string, 0, len(t.counts))
	for k := range t.counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if t.counts[keys[i]] != t.counts[keys[j]] {
			return t.counts[keys[i]] > t.counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// summary is the counts by class on one line, such as "400×1200, closed×3".
func (t *tally) summary() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var parts []string
	for _, k := range t.classes() {
		parts = append(parts, fmt.Sprintf("%s×%d", k, t.counts[k]))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// unexpected returns how many outcomes expected does not accept, and one
// line per such class with its example.
func (t *tally) unexpected(expected func(string) bool) (int, []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	var lines []string
	for _, k := range t.classes() {
		if !expected(k) {
			n += t.counts[k]
			lines = append(lines, fmt.Sprintf("%d× %s, e.g. %q", t.counts[k], k, t.examples[k]))
		}
	}
	return n, lines
}

// latency returns the p50, p99 and longest time the outcomes took.
func (t *tally) latency() (p50, p99, longest time.Duration) {
	t.mu.Lock()
	sorted := runstats.Sorted(t.latencies)
	t.mu.Unlock()
	if len(sorted) == 0 {
		return 0, 0, 0
	}
	return runstats.Percentile(sorted, 0.5), runstats.Percentile(sorted, 0.99), sorted[len(sorted)-1]
}
