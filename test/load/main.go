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
//	KUBEBUILDER_ASSETS=$HOME/.cache/tenantguard/envtest/k8s-v1.37.2-etcd-v3.6.16 go run ./test/load
package main

import (
	"context"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap/zapcore"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/tenantguard/tenantguard/webhook/reload"
	"github.com/tenantguard/tenantguard/webhook/server"
)

type options struct {
	requests, concurrency, warmup, tenants int
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
	flag.DurationVar(&o.reloadInterval, "reload-interval", 200*time.Millisecond, "tenantguard's policy and config reload interval")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of tenantguard's measured run (servers and client) to this file")
	flag.Parse()
	// Errors only: the servers' info logs (one line per denial) would be part
	// of what is measured; errors are what this run is looking for.
	ctrl.SetLogger(zap.New(zap.Level(zapcore.ErrorLevel)))
	fmt.Println("command:", commandLine())
	fmt.Printf("machine: %d CPUs, GOMAXPROCS %d, load average before: %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), loadAverage())
	ok, err := runAll(o)
	fmt.Printf("load average after: %s\n", loadAverage())
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

	// TLS: one CA, one serving certificate now and one for the rotation.
	ca, err := newAuthority()
	if err != nil {
		return false, err
	}
	certs := filepath.Join(dir, "certs")
	if err := os.Mkdir(certs, 0o700); err != nil {
		return false, err
	}
	cd, err := newCertDir(certs)
	if err != nil {
		return false, err
	}
	certPEM, keyPEM, firstSerial, err := ca.serving()
	if err != nil {
		return false, err
	}
	if err := cd.write(certPEM, keyPEM); err != nil {
		return false, err
	}

	// Policies and cluster config as files, as mounted from ConfigMaps.
	policyDir, configFile := filepath.Join(dir, "policies"), filepath.Join(dir, "config.yaml")
	if err := copyPolicies(policyDir); err != nil {
		return false, fmt.Errorf("copying policies: %w", err)
	}
	if err := writeAtomically(configFile, initialConfig); err != nil {
		return false, err
	}
	loader := reload.Loader{PolicyDir: policyDir, ConfigFile: configFile}

	// Requests are built before anything is timed. The s390x Tenants come
	// only in the last third, after the reload that allows them is served.
	tenants := makeTenants(o.tenants)
	warm := mix(o.warmup, "0000aaaa", 1, tenants, -1)
	reqs := mix(o.requests, "0000bbbb", 2, tenants, 2*o.requests/3)

	env, restConfig, err := startControlPlane()
	if err != nil {
		return false, err
	}
	defer func() { _ = env.Stop() }()
	if err := createTenants(ctx, restConfig, tenants); err != nil {
		return false, err
	}

	tgPort, err := freePort()
	if err != nil {
		return false, err
	}
	tgDone, err := startTenantguard(ctx, restConfig, server.Options{
		Host: "127.0.0.1", Port: tgPort, CertDir: certs, MetricsAddr: "0", ProbeAddr: "0",
		PolicyDir: policyDir, ConfigFile: configFile, ReloadInterval: o.reloadInterval,
	})
	if err != nil {
		return false, fmt.Errorf("starting tenantguard: %w", err)
	}
	basePort, err := freePort()
	if err != nil {
		return false, err
	}
	baseDone, err := startBaseline(ctx, "127.0.0.1", basePort, certs)
	if err != nil {
		return false, fmt.Errorf("starting the baseline: %w", err)
	}
	// Stop both servers before the control plane and the files they watch
	// go away (deferred calls run last-in first-out), so that teardown does
	// not log file-watch errors that would read like findings.
	defer func() {
		cancel()
		for _, done := range []<-chan error{tgDone, baseDone} {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
			}
		}
	}()
	tgAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(tgPort))
	tg := newTarget("tenantguard", tgAddr, ca.pool, o.concurrency, true)
	base := newTarget("baseline", net.JoinHostPort("127.0.0.1", strconv.Itoa(basePort)), ca.pool, o.concurrency, false)
	fmt.Printf("setup: %d Tenants, %d measured + %d warm-up requests per target, concurrency %d, duration cap %s, reload interval %s\n",
		len(tenants), len(reqs), len(warm), o.concurrency, o.duration, o.reloadInterval)

	ok := true
	check := func(what string, err error) {
		if err != nil {
			ok = false
			fmt.Printf("CHECK FAILED: %s: %v\n", what, err)
		} else {
			fmt.Printf("check ok: %s\n", what)
		}
	}

	// Before load: the first config is served, and a Tenant on the arch the
	// reload adds is refused, so that allowing it later shows the reload.
	firstRevision, err := loader.Revision()
	if err != nil {
		return false, err
	}
	check("serving the first config, revision "+firstRevision, sameRevision(firstRevision))
	newArchTenant := func(uid string, denied bool) request {
		r := tenantReview(uid, "CREATE", tenant{name: "probe-" + uid[len(uid)-4:], env: "staging"}, addedArch)
		r.path, r.uid = server.ValidatePath, uid
		if denied {
			r.denied, r.message = true, "[tenant-arch]"
		}
		return r
	}
	check("a Tenant on "+addedArch+" is denied before the reload", tg.probe(ctx, newArchTenant("0000cccc-0000-4000-8000-000000000001", true)))

	// The baseline first, then tenantguard, each warmed up first.
	baseRes := measure(ctx, base, warm, reqs, o, nil)

	// tenantguard, with the reload after a third and the rotation after two
	// thirds. Events run in this goroutine (the dispatcher), so the variables
	// they set need no locking.
	var newRevision string
	var newSerial *big.Int
	var reloadLatency, rotationLatency time.Duration
	type timed struct {
		took time.Duration
		err  error
	}
	reloaded := make(chan timed, 1)
	events := []event{
		{at: o.requests / 3, name: "config reload", do: func() error {
			if err := writeAtomically(configFile, reloadedConfig); err != nil {
				return err
			}
			written := time.Now()
			rev, err := loader.Revision()
			if err != nil {
				return err
			}
			newRevision = rev
			// Time the reload off the dispatcher, so that requests keep flowing.
			go func() {
				_, err := waitFor(10*time.Second, 2*time.Millisecond, func() (bool, error) {
					err := sameRevision(rev)
					return err == nil, err
				})
				reloaded <- timed{time.Since(written), err}
			}()
			return nil
		}},
		{at: 2 * o.requests / 3, name: "certificate rotation", do: func() error {
			// The s390x Tenants start here, so the reload must be served first.
			r := <-reloaded
			if reloadLatency = r.took; r.err != nil {
				return fmt.Errorf("the reloaded config was not served: %w", r.err)
			}
			certPEM, keyPEM, serial, err := ca.serving()
			if err != nil {
				return err
			}
			if err := cd.write(certPEM, keyPEM); err != nil {
				return err
			}
			newSerial = serial
			if rotationLatency, err = waitFor(15*time.Second, 10*time.Millisecond, func() (bool, error) {
				s, err := presentedSerial(tgAddr, ca.pool)
				return err == nil && s.Cmp(serial) == 0, err
			}); err != nil {
				return fmt.Errorf("the new certificate was not served: %w", err)
			}
			tg.hs.setRotated(serial)
			tg.generation.Add(1)
			return nil
		}},
	}
	stopProfile, err := startProfile(o.cpuProfile)
	if err != nil {
		return false, err
	}
	tgRes := measure(ctx, tg, warm, reqs, o, events)
	stopProfile()

	for _, err := range tgRes.eventErr {
		check("event during the run", err)
	}
	if newRevision != "" {
		err := sameRevision(newRevision)
		took := "not served"
		if err == nil {
			took = fmt.Sprintf("served %s after the write; the run waited for it before the rotation", reloadLatency.Round(time.Millisecond))
		}
		check(fmt.Sprintf("serving the reloaded config, revision %s (%s)", newRevision, took), err)
		check("a Tenant on "+addedArch+" is allowed after the reload", tg.probe(ctx, newArchTenant("0000cccc-0000-4000-8000-000000000002", false)))
	}
	if newSerial != nil {
		serial, err := presentedSerial(tgAddr, ca.pool)
		if err == nil && serial.Cmp(newSerial) != 0 {
			err = fmt.Errorf("a new connection got serial %x, want the new %x (the first was %x)", serial, newSerial, firstSerial)
		}
		check(fmt.Sprintf("new TLS connections get the rotated certificate, serial %x (first served %s after the write)", newSerial, rotationLatency.Round(time.Millisecond)), err)
		tg.hs.mu.Lock()
		after, stale := tg.hs.afterRotation, tg.hs.staleAfterRotated
		tg.hs.mu.Unlock()
		err = nil
		if after == 0 {
			err = fmt.Errorf("no load connection was opened after the rotation")
		} else if stale > 0 {
			err = fmt.Errorf("%d of %d handshakes presented the old certificate", stale, after)
		}
		check(fmt.Sprintf("all %d load-client handshakes after the rotation presented the new certificate", after), err)
	}
	select {
	case err := <-tgDone:
		check("tenantguard still running", fmt.Errorf("stopped: %v", err))
	case err := <-baseDone:
		check("baseline still running", fmt.Errorf("stopped: %v", err))
	default:
	}

	report(baseRes, tgRes, &ok)
	fmt.Printf("TLS handshakes by the load client (keep-alive; warm-up included): baseline %d, tenantguard %d\n", base.hs.count(), tg.hs.count())
	return ok, nil
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

func report(base, tg *result, ok *bool) {
	fmt.Println()
	fmt.Printf("%-12s %9s %9s %10s %9s %9s %9s %7s %9s\n", "target", "requests", "wall", "reviews/s", "p50", "p99", "max", "failed", "CPU/wall")
	for _, row := range []struct {
		name string
		res  *result
	}{{"baseline", base}, {"tenantguard", tg}} {
		s := summarize(row.res)
		fmt.Printf("%-12s %9d %9s %10.0f %9s %9s %9s %7d %9.2f\n", row.name, row.res.sent, row.res.wall.Round(time.Millisecond),
			s.rate, ms(s.p50), ms(s.p99), ms(s.max), row.res.failed, row.res.cpu.Seconds()/row.res.wall.Seconds())
		for _, w := range row.res.windows {
			fmt.Printf("  %s\n", w)
		}
		if row.res.capped {
			fmt.Printf("  %s stopped at the duration cap after %d requests\n", row.name, row.res.sent)
			*ok = false
		}
		if row.res.failed > 0 {
			*ok = false
			printFailures(row.res)
		}
	}
	b, t := summarize(base), summarize(tg)
	if b.rate > 0 && b.p99 > 0 {
		fmt.Printf("tenantguard/baseline: throughput %.3f, p99 %.2fx\n", t.rate/b.rate, float64(t.p99)/float64(b.p99))
	}
	fmt.Println("(CPU/wall: CPU seconds of this process — load client and both servers — per wall second; the API server and etcd are other processes)")
}

func printFailures(res *result) {
	keys := make([]string, 0, len(res.failures))
	for k := range res.failures {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("  %d× %s (e.g. %s)\n", res.failures[k].count, k, res.failures[k].example)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// sameRevision reports whether want is the revision tenantguard serves.
func sameRevision(want string) error {
	got, err := servedRevision()
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("serving revision %s, want %s", got, want)
	}
	return nil
}

// writeAtomically replaces path through a rename, so that the reload watcher
// never reads a half-written file (a truncated config would be valid YAML).
func writeAtomically(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
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

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}

// commandLine is the command as typed: `go run ./test/load` leaves a binary in
// the build cache's temporary directory, which is not worth printing.
func commandLine() string {
	args := strings.Join(os.Args[1:], " ")
	prog := os.Args[0]
	if strings.Contains(prog, "go-build") {
		prog = "go run ./test/load"
	}
	line := strings.TrimSpace(prog + " " + args)
	if assets := os.Getenv("KUBEBUILDER_ASSETS"); assets != "" {
		line = "KUBEBUILDER_ASSETS=" + assets + " " + line
	}
	return line
}
