package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"sync"
	"time"

	"github.com/tenantguard/tenantguard/test/support/runstats"
)

// event runs between two requests of a run, in the dispatcher: requests
// already in flight keep going while it runs, later ones wait for it.
type event struct {
	at   int
	name string
	do   func() error
}

// result is what one run measured.
type result struct {
	sent      int
	wall      time.Duration
	latencies []time.Duration
	failed    int
	// failures counts failures by reason, with one example each.
	failures map[string]*failure
	eventErr []error
	capped   bool
	cpu      time.Duration
	// windows describe the latencies of the requests just after each event,
	// where a reload's compilation or a rotation's handshakes would show.
	windows []string
}

type failure struct {
	count   int
	example string
}

// measure warms a target up and then runs the measured requests.
func measure(ctx context.Context, t *target, warm, reqs []request, o options, events []event) *result {
	warmRes := run(ctx, t, warm, o.concurrency, nil)
	if warmRes.failed > 0 {
		fmt.Printf("%s warm-up: %d of %d failed\n", t.name, warmRes.failed, warmRes.sent)
		printFailures(warmRes)
	}
	capped, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	return run(capped, t, reqs, o.concurrency, events)
}

// run sends reqs with the given number of concurrent workers until all are
// answered or ctx ends, running events at their request index.
func run(ctx context.Context, t *target, reqs []request, concurrency int, events []event) *result {
	rn := &runner{
		t: t, reqs: reqs, answered: make([]bool, len(reqs)),
		res: &result{latencies: make([]time.Duration, len(reqs)), failures: map[string]*failure{}},
	}
	next := make(chan int)
	var wg sync.WaitGroup
	cpuStart := runstats.ProcessCPU()
	start := time.Now()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rn.work(ctx, next)
		}()
	}
	pending := rn.dispatch(ctx, events, next)
	close(next)
	wg.Wait()
	res := rn.res
	res.wall = time.Since(start)
	res.cpu = runstats.ProcessCPU() - cpuStart
	for _, e := range pending {
		res.eventErr = append(res.eventErr, fmt.Errorf("%s: not reached before the duration cap", e.name))
	}
	res.windows = rn.eventWindows(events)
	rn.keepAnswered()
	return res
}

// runner is one run in progress. Each request index is handled by exactly
// one worker, so latencies and answered need no lock until the run ends;
// mu guards the failure counts, which all workers share.
type runner struct {
	t        *target
	reqs     []request
	res      *result
	answered []bool
	mu       sync.Mutex
}

// dispatch hands request indexes to the workers in order, running each event
// just before its index, until all are handed out or ctx ends. It returns
// the events it did not reach.
func (rn *runner) dispatch(ctx context.Context, events []event, next chan<- int) []event {
	pending := events
	for i := range rn.reqs {
		for len(pending) > 0 && pending[0].at == i {
			if err := pending[0].do(); err != nil {
				rn.res.eventErr = append(rn.res.eventErr, fmt.Errorf("%s: %w", pending[0].name, err))
			}
			pending = pending[1:]
		}
		select {
		case next <- i:
		case <-ctx.Done():
			rn.res.capped = true
			return pending
		}
	}
	return pending
}

// work sends the requests whose indexes arrive on next and checks the
// answers. After a certificate rotation (a new generation) it closes its
// connection once, so that its next request handshakes anew.
func (rn *runner) work(ctx context.Context, next <-chan int) {
	seen := rn.t.generation.Load()
	for i := range next {
		reconnect := false
		if g := rn.t.generation.Load(); g != seen {
			seen, reconnect = g, true
		}
		r := rn.reqs[i]
		began := time.Now()
		review, err := rn.t.post(ctx, r, reconnect)
		rn.res.latencies[i] = time.Since(began)
		rn.answered[i] = true
		if err != nil {
			rn.fail(r, "transport", err.Error())
			continue
		}
		if reason, detail := rn.t.check(review, r); reason != "" {
			rn.fail(r, reason, detail)
		}
	}
}

// fail counts a failed request under its reason, keeping the first as the
// example.
func (rn *runner) fail(r request, reason, detail string) {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	rn.res.failed++
	key := r.what + " to " + r.path + ": " + reason
	f := rn.res.failures[key]
	if f == nil {
		f = &failure{example: "uid " + r.uid + ": " + detail}
		rn.res.failures[key] = f
	}
	f.count++
}

// eventWindows describes the latencies of the answered requests just after
// each event: the next tenth of the run, and at least 100 requests.
func (rn *runner) eventWindows(events []event) []string {
	var windows []string
	for _, e := range events {
		var window []time.Duration
		for i := e.at; i < min(len(rn.reqs), e.at+max(100, len(rn.reqs)/10)); i++ {
			if rn.answered[i] {
				window = append(window, rn.res.latencies[i])
			}
		}
		if len(window) == 0 {
			continue
		}
		sort.Slice(window, func(i, j int) bool { return window[i] < window[j] })
		windows = append(windows, fmt.Sprintf("%d requests after the %s: p50 %s, p99 %s, max %s",
			len(window), e.name, runstats.Ms(runstats.Percentile(window, 0.5)), runstats.Ms(runstats.Percentile(window, 0.99)), runstats.Ms(window[len(window)-1])))
	}
	return windows
}

// keepAnswered drops the latencies of requests a capped run never sent, so
// that they do not count as instant answers.
func (rn *runner) keepAnswered() {
	kept := rn.res.latencies[:0]
	for i, ok := range rn.answered {
		if ok {
			kept = append(kept, rn.res.latencies[i])
		}
	}
	rn.res.latencies, rn.res.sent = kept, len(kept)
}

// startProfile starts a CPU profile into path, if one is asked for; the
// returned function stops it.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
