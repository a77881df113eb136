// Command load measures what tenantguard's admission webhook server sustains
// when called the way kube-apiserver calls it, against a controller-runtime
// webhook that allows everything on the same TLS and HTTP setup (the
// baseline), and checks every verdict while it does.
//
// It starts kube-apiserver and etcd (envtest) with only the Tenant CRD, so that
// tenantguard's Tenant cache has an API server to list and watch, creates
// Tenants through it, and then runs tenantguard's real server (server.New) in
// this process on a loopback port, with policies and cluster config read from
// files and a certificate it issues itself. No webhook is registered with the
// API server: the load client posts pre-built AdmissionReviews straight to
// /validate and /mutate over keep-alive HTTP/1.1, with a mix of Application,
// Tenant and status-only requests whose verdicts are known in advance.
//
// While tenantguard is under load the run changes the cluster config (a
// policy reload) after a third of the requests and rotates the serving
// certificate after two thirds, and then checks that the new config is
// served and that new TLS connections get the new certificate. A review
// fails on a non-200 status, an answer that is not an AdmissionReview with a
// response, a wrong UID or an unexpected verdict; any failure makes the exit
// status 1.
//
//	KUBEBUILDER_ASSETS=$HOME/.cache/tenantguard/envtest/k8s-v1.37.2-etcd-v3.6.16 go run ./test/programs/load
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"go.uber.org/zap/zapcore"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/tenantguard/tenantguard/test/support/runstats"
)

// options are the command-line flags, parsed in main.
type options struct {
	requests, concurrency, warmup, tenants int
	exceptions                             int
	duration, reloadInterval               time.Duration
	cpuProfile                             string
}

func main() {
	var o options
	flag.IntVar(&o.requests, "requests", 50000, "measured AdmissionReviews per target")
	flag.IntVar(&o.concurrency, "concurrency", 32, "concurrent requests (and keep-alive connections)")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "cap on each target's measured run; a capped run stops sending and reports what it sent")
	flag.IntVar(&o.warmup, "warmup", 1000, "unmeasured requests per target before measuring")
	flag.IntVar(&o.tenants, "tenants", 50, "Tenants created in the API server")
	flag.IntVar(&o.exceptions, "exceptions", 0, "PolicyExceptions created in the API server, each for an Application of another tenant")
	flag.DurationVar(&o.reloadInterval, "reload-interval", 200*time.Millisecond, "tenantguard's policy and config reload interval")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of tenantguard's measured run (servers and client) to this file")
	flag.Parse()
	// Errors only: the servers' info logs (one line per denial) would be part
	// of what is measured; errors are what this run is looking for.
	ctrl.SetLogger(zap.New(zap.Level(zapcore.ErrorLevel)))
	fmt.Println("command:", runstats.CommandLine("./test/programs/load"))
	fmt.Printf("machine: %d CPUs, GOMAXPROCS %d, load average before: %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runstats.LoadAverage())
	ok, err := runAll(o)
	fmt.Printf("load average after: %s\n", runstats.LoadAverage())
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	if !ok {
		fmt.Println("FAIL")
		os.Exit(1)
	}
	fmt.Println("PASS")
}

// runAll sets everything up, runs both targets and prints the report. It
// returns false when any review or check failed.
func runAll(o options) (bool, error) {
	if o.requests < 3 || o.concurrency < 1 {
		return false, fmt.Errorf("need -requests >= 3 and -concurrency >= 1")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "tenantguard-load")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	fx, err := prepareFiles(dir)
	if err != nil {
		return false, err
	}
	// Requests are built before anything is timed. The s390x Tenants come
	// only in the last third, after the reload that allows them is served.
	tenants := makeTenants(o.tenants)
	warm := mix(o.warmup, "0000aaaa", 1, tenants, -1)
	reqs := mix(o.requests, "0000bbbb", 2, tenants, 2*o.requests/3)
	restConfig, stopControlPlane, err := startCluster(ctx, tenants, o.exceptions)
	if err != nil {
		return false, err
	}
	defer stopControlPlane()
	srv, err := startServers(ctx, restConfig, fx, o)
	if err != nil {
		return false, err
	}
	// Stop both servers before the control plane and the files they watch
	// go away (deferred calls run last-in first-out), so that teardown does
	// not log file-watch errors that would read like findings.
	defer srv.stop(cancel)
	fmt.Printf("setup: %d Tenants, %d measured + %d warm-up requests per target, concurrency %d, duration cap %s, reload interval %s\n",
		len(tenants), len(reqs), len(warm), o.concurrency, o.duration, o.reloadInterval)
	return runTargets(ctx, o, fx, srv, warm, reqs)
}

// runTargets checks that the first config is served, measures the baseline
// and then tenantguard, whose config is reloaded and certificate rotated
// while it is under load, checks that both changes are served, and prints
// the report. It returns false when any review or check failed.
func runTargets(ctx context.Context, o options, fx *fixture, srv *servers, warm, reqs []request) (bool, error) {
	chk := &checker{ok: true}
	if err := checkFirstConfig(ctx, chk, fx, srv.tg); err != nil {
		return false, err
	}
	// The baseline first, then tenantguard, each warmed up first.
	baseRes := measure(ctx, srv.base, warm, reqs, o, nil)
	changes := &midRun{fx: fx, srv: srv, reloaded: make(chan timedWait, 1)}
	stopProfile, err := startProfile(o.cpuProfile)
	if err != nil {
		return false, err
	}
	tgRes := measure(ctx, srv.tg, warm, reqs, o, changes.events(o.requests))
	stopProfile()
	for _, err := range tgRes.eventErr {
		chk.check("event during the run", err)
	}
	changes.checkServed(ctx, chk)
	srv.checkRunning(chk)
	if !report(baseRes, tgRes) {
		chk.ok = false
	}
	fmt.Printf("TLS handshakes by the load client (keep-alive; warm-up included): baseline %d, tenantguard %d\n", srv.base.hs.count(), srv.tg.hs.count())
	return chk.ok, nil
}
