// Command evalthroughput measures `tenantguard eval` against `conftest test`
// on the same rendered manifests and the same policies: it writes a file of
// -docs documents (Tenants, their Applications, and the Deployments and Services
// a chart renders), runs both tools on it -runs times, checks that they report
// the same number of violations, and prints documents per second and the ratio.
//
//	go run ./test/perf/evalthroughput -tenantguard bin/tenantguard -conftest bin/conftest-v0.71.1
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
	fmt.Printf("tenantguard eval: %8.2fs  %9.0f docs/s\n", tg.Seconds(), float64(docs)/tg.Seconds())
	fmt.Printf("conftest test:    %8.2fs  %9.0f docs/s\n", ct.Seconds(), float64(docs)/ct.Seconds())
	fmt.Printf("ratio: tenantguard eval is %.1fx conftest's throughput\n", ct.Seconds()/tg.Seconds())
	return nil
}

// measure runs a command runs times and returns the median wall time and the
// violations its output reports.
func measure(runs int, count func([]byte) (int, error), name string, args ...string) (time.Duration, int, error) {
	var times []time.Duration
	violations := 0
	for range runs {
		start := time.Now()
		out, err := exec.Command(name, args...).Output()
		elapsed := time.Since(start)
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
			return 0, 0, err
		}
		if violations, err = count(out); err != nil {
			return 0, 0, err
		}
		times = append(times, elapsed)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2], violations, nil
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
