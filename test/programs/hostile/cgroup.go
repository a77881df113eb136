package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// memoryCgroup is a memory cgroup the server runs in, limited as the chart
// limits the pod's memory, so that an attack that would have the kernel kill
// the pod kills the server here too: its page cache, kernel memory and
// anything else the Go runtime does not see are charged against the limit,
// as they are in a cluster.
type memoryCgroup struct {
	dir string
	// v1 is set for a cgroup v1 memory hierarchy, whose files have other
	// names than the unified hierarchy's.
	v1    bool
	limit int64
}

// newMemoryCgroup makes a memory cgroup limited to limit bytes, swap
// included, under the first memory hierarchy this process may write to.
func newMemoryCgroup(limit int64) (*memoryCgroup, error) {
	name := fmt.Sprintf("tenantguard-hostile-%d", os.Getpid())
	var errs []error
	for _, c := range []*memoryCgroup{
		{dir: filepath.Join("/sys/fs/cgroup/memory", name), v1: true, limit: limit},
		{dir: filepath.Join("/sys/fs/cgroup", name), limit: limit},
	} {
		err := c.make()
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

func (c *memoryCgroup) make() error {
	// The hierarchy's own control file tells a cgroup file system from a
	// directory of that name in which any file could be made.
	marker := "cgroup.controllers"
	if c.v1 {
		marker = "memory.limit_in_bytes"
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(c.dir), marker)); err != nil {
		return fmt.Errorf("no memory cgroup hierarchy at %s: %w", filepath.Dir(c.dir), err)
	}
	if err := os.Mkdir(c.dir, 0o755); err != nil {
		return err
	}
	limit := strconv.FormatInt(c.limit, 10)
	files := []string{"memory.max", "memory.swap.max"}
	values := []string{limit, "0"}
	if c.v1 {
		// memsw (memory and swap) may only be set at or above the memory limit.
		files, values = []string{"memory.limit_in_bytes", "memory.memsw.limit_in_bytes"}, []string{limit, limit}
	}
	if err := c.write(files[0], values[0]); err != nil {
		c.remove()
		return err
	}
	if err := c.write(files[1], values[1]); err != nil && !errors.Is(err, os.ErrNotExist) {
		c.remove() // swap is there and cannot be bounded: the limit would not hold
		return err
	}
	return nil
}

// add moves pid into the cgroup.
func (c *memoryCgroup) add(pid int) error {
	return c.write("cgroup.procs", strconv.Itoa(pid))
}

// takePeak returns the most memory charged to the cgroup since the last call
// and starts counting afresh where the kernel allows it (cgroup v1, or a
// unified hierarchy whose memory.peak may be reset); -1 without a cgroup.
func (c *memoryCgroup) takePeak() int64 {
	if c == nil {
		return -1
	}
	file := "memory.peak"
	if c.v1 {
		file = "memory.max_usage_in_bytes"
	}
	peak, err := c.readInt(file)
	if err != nil {
		return -1
	}
	_ = c.write(file, "0") // a kernel that cannot reset it reports the peak since the start
	return peak
}

// oomKills is how many processes the kernel killed in the cgroup for memory;
// 0 without a cgroup.
func (c *memoryCgroup) oomKills() int64 {
	if c == nil {
		return 0
	}
	file := "memory.events"
	if c.v1 {
		file = "memory.oom_control"
	}
	data, err := os.ReadFile(filepath.Join(c.dir, file))
	if err != nil {
		return -1
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("oom_kill ")); ok {
			n, _ := strconv.ParseInt(string(bytes.TrimSpace(rest)), 10, 64)
			return n
		}
	}
	return 0
}

// remove deletes the cgroup once no process is left in it.
func (c *memoryCgroup) remove() {
	if c != nil {
		_ = os.Remove(c.dir)
	}
}

// write sets a control file, which the kernel made: it is never created.
func (c *memoryCgroup) write(file, value string) error {
	f, err := os.OpenFile(filepath.Join(c.dir, file), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(value)
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	return err
}

func (c *memoryCgroup) readInt(file string) (int64, error) {
	data, err := os.ReadFile(filepath.Join(c.dir, file))
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(string(bytes.TrimSpace(data)), 10, 64)
}
