package main

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"sync"
	"time"
)

// rssInterval is how often the server's resident memory is read. An
// allocation burst that the GC returns within a few tens of milliseconds
// still shows; reading /proc this often costs the server nothing.
const rssInterval = 20 * time.Millisecond

// fdEvery is how many RSS samples pass between two counts of the server's
// open file descriptors, which mostly are its connections: counting a large
// fd directory every 20 ms would cost more than it tells.
const fdEvery = 10

// memWindow is what the sampler saw between two calls of window.
type memWindow struct {
	// startRSS and peakRSS are in bytes; peakFDs is the most open file
	// descriptors counted.
	startRSS, peakRSS int64
	peakFDs           int
	// cgroupPeak is the most memory charged to the server's cgroup, -1
	// without one.
	cgroupPeak int64
	samples    int
}

// sampler reads the server's VmRSS from /proc/<pid>/status. It measures the
// process from outside, as the kernel's memory cgroup does when it decides on
// an out-of-memory kill, rather than trusting the Go runtime's own figures.
type sampler struct {
	mu  sync.Mutex
	pid int
	cur memWindow
	// cgroup, when set, is the server's memory cgroup, whose peak each
	// window reports.
	cgroup *memoryCgroup
}

// watch switches the sampler to a new server process, after a restart.
func (s *sampler) watch(pid int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pid = pid
}

// run samples until ctx ends.
func (s *sampler) run(ctx context.Context) {
	tick := time.NewTicker(rssInterval)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s.mu.Lock()
		pid := s.pid
		s.mu.Unlock()
		rss, err := readRSS(pid)
		if err != nil {
			continue // the process is gone; the run notices through its exit
		}
		fds := -1
		if n%fdEvery == 0 {
			fds = countFDs(pid)
		}
		s.mu.Lock()
		s.record(rss, fds)
		s.mu.Unlock()
	}
}

func (s *sampler) record(rss int64, fds int) {
	w := &s.cur
	if w.samples == 0 {
		w.startRSS = rss
	}
	w.samples++
	w.peakRSS = max(w.peakRSS, rss)
	w.peakFDs = max(w.peakFDs, fds)
}

// window returns what was sampled since the last call and starts a new
// window, whose start is the latest reading.
func (s *sampler) window() memWindow {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.cur
	w.cgroupPeak = s.cgroup.takePeak()
	s.cur = memWindow{}
	if rss, err := readRSS(s.pid); err == nil {
		s.record(rss, countFDs(s.pid))
	}
	return w
}

// readRSS returns the VmRSS of pid in bytes.
func readRSS(pid int) (int64, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte("kB")))), 10, 64)
			return kb << 10, err
		}
	}
	return 0, os.ErrNotExist // a zombie has no VmRSS line
}

// countFDs returns how many file descriptors pid has open, or -1.
func countFDs(pid int) int {
	dir, err := os.Open("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		return -1
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return -1
	}
	return len(names)
}

// mib formats bytes in MiB.
func mib(b int64) string {
	return strconv.FormatFloat(float64(b)/(1<<20), 'f', 0, 64)
}
