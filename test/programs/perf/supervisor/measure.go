package main

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sampler reads the server's VmRSS from /proc every 50 ms: memory as the
// kernel's memory cgroup counts it, not as the Go runtime reports it.
type sampler struct {
	pid int
	mu  sync.Mutex
	max int64
}

func (s *sampler) run(ctx context.Context) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if rss := s.current(); rss > 0 {
			s.mu.Lock()
			s.max = max(s.max, rss)
			s.mu.Unlock()
		}
	}
}

// peak is the largest VmRSS sampled so far, in bytes.
func (s *sampler) peak() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return max(s.max, s.current())
}

// current is the server's VmRSS now, in bytes; 0 when it cannot be read.
func (s *sampler) current() int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(s.pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(string(rest)), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

func mib(b int64) string {
	return strconv.FormatFloat(float64(b)/(1<<20), 'f', 0, 64)
}

// reconcileStats are controller-runtime's reconcile metrics of the supervisor's controller.
type reconcileStats struct {
	total, errors, requeued float64
	meanSeconds             float64
}

// scrapeReconciles reads the supervisor's reconcile counts from the
// server's metrics: controller_runtime_reconcile_total by result, and the
// mean of controller_runtime_reconcile_time_seconds.
func scrapeReconciles(url string) (reconcileStats, error) {
	text, err := scrape(url)
	if err != nil {
		return reconcileStats{}, err
	}
	var r reconcileStats
	var seconds, count float64
	for _, line := range strings.Split(text, "\n") {
		name, labels, value, ok := sample(line)
		if !ok || !strings.Contains(labels, `controller="tenant"`) {
			continue
		}
		switch name {
		case "controller_runtime_reconcile_total":
			r.total += value
			if strings.Contains(labels, `result="error"`) {
				r.errors += value
			}
			if strings.Contains(labels, `result="requeue`) {
				r.requeued += value
			}
		case "controller_runtime_reconcile_time_seconds_sum":
			seconds = value
		case "controller_runtime_reconcile_time_seconds_count":
			count = value
		}
	}
	if count > 0 {
		r.meanSeconds = seconds / count
	}
	return r, nil
}

// sample splits a line of the Prometheus text format into name, labels and value.
func sample(line string) (name, labels string, value float64, ok bool) {
	if line == "" || strings.HasPrefix(line, "#") {
		return "", "", 0, false
	}
	space := strings.LastIndexByte(line, ' ')
	if space < 0 {
		return "", "", 0, false
	}
	value, err := strconv.ParseFloat(line[space+1:], 64)
	if err != nil {
		return "", "", 0, false
	}
	series := line[:space]
	if brace := strings.IndexByte(series, '{'); brace >= 0 {
		return series[:brace], series[brace:], value, true
	}
	return series, "", value, true
}

// processStats are figures of the server's own metrics: its live heap, read
// right after a garbage collection, and the GET requests it sent to the API
// server (single objects, lists and watches alike).
type processStats struct {
	liveHeap float64
	apiGets  float64
}

// scrapeProcess reads processStats from the server's metrics.
func scrapeProcess(url string) (processStats, error) {
	text, err := scrape(url)
	if err != nil {
		return processStats{}, err
	}
	var p processStats
	for _, line := range strings.Split(text, "\n") {
		name, labels, value, ok := sample(line)
		switch {
		case !ok:
		case name == "go_memstats_heap_alloc_bytes":
			p.liveHeap = value
		case name == "rest_client_requests_total" && strings.Contains(labels, `method="GET"`):
			p.apiGets += value
		}
	}
	return p, nil
}
