// Command evalthroughput measures `tenantguard eval` against `conftest test`
// on the same rendered manifests and the same policies: it writes a file of
// -docs documents (Tenants, their Applications, and the Deployments and Services
// a chart renders), runs both tools on it -runs times, checks that they report
// the same number of violations, and prints documents per second and the ratio.
//
//	go run ./test/programs/perf/evalthroughput -tenantguard bin/tenantguard -conftest bin/conftest-v0.71.1
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"time"
)

func main() {
	tenantguard := flag.String("tenantguard", "bin/tenantguard", "tenantguard binary")
	conftest := flag.String("conftest", "bin/conftest-v0.71.1", "conftest binary")
	policies := flag.String("policies", "policies", "policy directory for conftest")
	docs := flag.Int("docs", 10000, "number of documents to evaluate")
	runs := flag.Int("runs", 3, "runs of each tool; the median is reported")
	out := flag.String("write", "", "only write the documents to this file and exit")
	flag.Parse()
	if *out != "" {
		if err := os.WriteFile(*out, renderManifests(*docs), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "evalthroughput:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*tenantguard, *conftest, *policies, *docs, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "evalthroughput:", err)
		os.Exit(1)
	}
}

func run(tenantguard, conftest, policies string, docs, runs int) error {
	dir, err := os.MkdirTemp("", "evalthroughput")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "rendered.yaml")
	if err := os.WriteFile(file, renderManifests(docs), 0o600); err != nil {
		return err
	}
	tg, tgViolations, err := measure(runs, tenantguardViolations, tenantguard, "eval", "-o", "json", file)
	if err != nil {
		return fmt.Errorf("tenantguard eval: %w", err)
	}
	ct, ctViolations, err := measure(runs, conftestViolations, conftest, "test", "--combine", "--no-fail", "-o", "json", "--policy", policies, file)
	if err != nil {
		return fmt.Errorf("conftest test: %w", err)
	}
	if tgViolations != ctViolations {
		return fmt.Errorf("verdicts differ: tenantguard eval found %d violations, conftest %d", tgViolations, ctViolations)
	}
	fmt.Printf("documents: %d, violations found by both: %d\n", docs, tgViolations)
	fmt.Printf("tenantguard eval: %8.2fs wall %8.2fs CPU  %9.0f docs/s  peak RSS %4d MiB\n", tg.wall.Seconds(), tg.cpu.Seconds(), float64(docs)/tg.wall.Seconds(), tg.maxRSS>>20)
	fmt.Printf("conftest test:    %8.2fs wall %8.2fs CPU  %9.0f docs/s  peak RSS %4d MiB\n", ct.wall.Seconds(), ct.cpu.Seconds(), float64(docs)/ct.wall.Seconds(), ct.maxRSS>>20)
	fmt.Printf("ratio: tenantguard eval is %.1fx conftest's throughput by wall time, %.1fx by CPU time\n",
		ct.wall.Seconds()/tg.wall.Seconds(), ct.cpu.Seconds()/tg.cpu.Seconds())
	return nil
}

// usage is what a run of a tool cost: the median run's wall and CPU time
// (user and system), and the largest resident memory of any run.
type usage struct {
	wall, cpu time.Duration
	maxRSS    int64
}

// measure runs a command runs times and returns its usage and the
// violations its output reports.
func measure(runs int, count func([]byte) (int, error), name string, args ...string) (usage, int, error) {
	var all []usage
	violations, maxRSS := 0, int64(0)
	for range runs {
		cmd := exec.Command(name, args...)
		start := time.Now()
		out, err := cmd.Output()
		elapsed := time.Since(start)
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
			return usage{}, 0, err
		}
		if violations, err = count(out); err != nil {
			return usage{}, 0, err
		}
		rusage := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		maxRSS = max(maxRSS, rusage.Maxrss<<10) // kilobytes on Linux
		all = append(all, usage{wall: elapsed, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].wall < all[j].wall })
	median := all[len(all)/2]
	median.maxRSS = maxRSS
	return median, violations, nil
}

func tenantguardViolations(out []byte) (int, error) {
	var report struct{ Summary struct{ Violations int } }
	err := json.Unmarshal(out, &report)
	return report.Summary.Violations, err
}

func conftestViolations(out []byte) (int, error) {
	var results []struct{ Failures []json.RawMessage }
	if err := json.Unmarshal(bytes.TrimSpace(out), &results); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range results {
		n += len(r.Failures)
	}
	return n, nil
}
