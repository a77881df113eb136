// Command hostile checks that no request, body or connection can take
// tenantguard's webhook down. It runs hostile inputs and hostile clients, one
// attack at a time and each at full scale, against `tenantguard serve` started
// as its own process as the chart runs it (a 512 MiB memory limit, handed to
// the server as TENANTGUARD_MEMORY_LIMIT, and a memory cgroup of that size
// where this machine lets one be made), while a steady stream of valid
// reviews whose verdicts are known keeps flowing.
//
// The program builds ./cmd/tenantguard, starts kube-apiserver and etcd
// (envtest) with the Tenant CRD and a few Tenants, issues a serving
// certificate from a throwaway CA, and starts the server on loopback with
// --kubeconfig, --cert-dir and loopback metrics and probe addresses. While
// each attack runs it samples the server's resident memory (VmRSS in
// /proc/<pid>/status) every 20 ms, and it reports for each attack the peak
// RSS and the peak its cgroup was charged, the valid reviews' count, failures
// and latency, and what the attack's own requests or connections got back.
//
// The exit status is 1 when the server dies (killed in its cgroup for memory
// included), its RSS passes -rss-limit, a valid review gets a wrong answer,
// or /metrics grows past 1 MB or holds label values outside the fixed sets;
// with -strict, also when an attack gets an answer other than the one
// expected of a hardened server.
//
//	KUBEBUILDER_ASSETS=$HOME/.cache/tenantguard/envtest/k8s-v1.37.2-etcd-v3.6.16 go run ./test/programs/hostile
//	... go run ./test/programs/hostile -scale 0.05 -attacks yaml-alias,slowloris
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/tenantguard/tenantguard/test/support/runstats"
)

// options are the command-line flags, parsed in main.
type options struct {
	attacks      []*attack
	scale        float64
	duration     time.Duration
	hold         time.Duration
	validClients int
	validRate    float64
	goMemLimit   string
	memoryMiB    int64
	rssLimitMiB  int64
	cgroup       bool
	strict       bool
}

func main() {
	var o options
	var names string
	flag.StringVar(&names, "attacks", "all", "comma-separated attacks to run, in this order: "+strings.Join(attackNames(), ", ")+"; or all, or connections (the five connection attacks)")
	flag.Float64Var(&o.scale, "scale", 1.0, "multiplier of every attack's size (requests, connections, time); 0.05 is a quick check")
	flag.DurationVar(&o.duration, "duration", 3*time.Minute, "cap on each attack's wall time")
	flag.DurationVar(&o.hold, "hold", 20*time.Second, "how long the attacks that repeat a request keep repeating it, at -scale 1")
	flag.IntVar(&o.validClients, "valid-clients", 4, "keep-alive clients sending valid reviews throughout")
	flag.Float64Var(&o.validRate, "valid-rate", 200, "valid reviews per second, over all valid clients")
	flag.Int64Var(&o.memoryMiB, "memory-limit", 512, "the pod's memory limit in MiB: the server gets it as TENANTGUARD_MEMORY_LIMIT, as the chart gives it, "+
		"and sets its Go memory limit from it")
	flag.StringVar(&o.goMemLimit, "gomemlimit", "", "GOMEMLIMIT of the server process, which then decides instead of -memory-limit")
	flag.Int64Var(&o.rssLimitMiB, "rss-limit", 512, "fail when the server's resident memory passes this many MiB")
	flag.BoolVar(&o.cgroup, "memory-cgroup", true, "run the server in a memory cgroup of -memory-limit, as a pod runs; "+
		"where none can be made, the run says so and goes on under the Go memory limit alone")
	flag.BoolVar(&o.strict, "strict", false, "also fail when an attack gets an answer other than the expected one")
	flag.Parse()
	var err error
	if o.attacks, err = selectAttacks(names); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(2)
	}
	if o.scale <= 0 || o.validClients < 1 || o.validRate <= 0 || o.memoryMiB <= 0 {
		fmt.Fprintln(os.Stderr, "hostile: -scale, -valid-clients, -valid-rate and -memory-limit must be positive")
		os.Exit(2)
	}
	fmt.Println("command:", runstats.CommandLine("./test/programs/hostile"))
	fmt.Printf("machine: %d CPUs, load average before: %s\n", runtime.NumCPU(), runstats.LoadAverage())
	ok, err := run(o)
	fmt.Printf("load average after: %s\n", runstats.LoadAverage())
	if err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
	if !ok {
		fmt.Println("FAIL")
		os.Exit(1)
	}
	fmt.Println("PASS")
}

// scaled is n times -scale, at least 1.
func (o options) scaled(n int) int {
	return max(1, int(float64(n)*o.scale+0.5))
}

// holdTime is how long a repeating attack runs: -hold times -scale, at least
// two seconds so that a quick run still sees several rounds, and within the
// -duration cap.
func (o options) holdTime() time.Duration {
	return min(o.duration, max(2*time.Second, time.Duration(float64(o.hold)*o.scale)))
}
