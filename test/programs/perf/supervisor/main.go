// Command supervisor measures tenantguard's supervisor at scale: it starts a
// real kube-apiserver (envtest) with the Argo CD CRDs and tenantguard's
// webhooks registered, runs `tenantguard serve` as a process of its own, as
// its service account with the RBAC of config/rbac and elected by a Lease,
// creates Tenants and reports the time until all are Ready (their
// namespace, AppProject and Application written, the Application through the
// webhooks; Argo CD's health is not waited for), the supervisor's reconciles
// per second, and the server's resident memory, read from /proc.
//
//	KUBEBUILDER_ASSETS=... go run ./test/programs/perf/supervisor -tenants 1000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/tenantguard/tenantguard/test/support/cluster"
	"github.com/tenantguard/tenantguard/test/support/runstats"
	"github.com/tenantguard/tenantguard/test/support/serverproc"
)

// settings are the program's flags.
type settings struct {
	tenants  int
	creators int
	workers  int
	timeout  time.Duration
	memLimit string
	limit    resource.Quantity
	logPath  string
	heapPath string
}

func main() {
	var s settings
	flag.IntVar(&s.tenants, "tenants", 1000, "Tenants to create")
	flag.IntVar(&s.creators, "creators", 16, "clients creating Tenants at once")
	flag.IntVar(&s.workers, "workers", 4, "the server's --supervisor-workers")
	flag.DurationVar(&s.timeout, "timeout", 5*time.Minute, "how long to wait for every Tenant to be Ready")
	s.limit = resource.MustParse("512Mi")
	flag.Var(quantityFlag{&s.limit}, "memory-limit", "the container's memory limit, given to the server as the chart gives it: Go's memory limit is nine tenths of it")
	flag.StringVar(&s.memLimit, "gomemlimit", "", "the server's GOMEMLIMIT, over the one it sets from -memory-limit")
	flag.StringVar(&s.logPath, "server-log", "", "where to keep the server's log (default: removed with the run)")
	flag.StringVar(&s.heapPath, "heap-profile", "", "write the server's heap profile here once all are Ready (go tool pprof reads it)")
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.Level(zapcore.ErrorLevel)))
	if err := run(s); err != nil {
		fmt.Fprintln(os.Stderr, "supervisor:", err)
		os.Exit(1)
	}
}

func run(s settings) error {
	ctx := context.Background()
	fmt.Println("Starting kube-apiserver and etcd with the Argo CD CRDs and tenantguard's webhooks...")
	c, err := cluster.StartWith(ctx, cluster.Options{External: true, AsServiceAccount: true, LeaderElection: true})
	if err != nil {
		return err
	}
	defer func() {
		if err := c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the control plane:", err)
		}
	}()
	if err := c.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "argocd"}}); err != nil {
		return err
	}
	bin, dir, err := serverproc.Build(c, "tenantguard-perf-supervisor-")
	defer os.RemoveAll(dir)
	if err != nil {
		return err
	}
	srv, err := serverproc.Start(ctx, c, serverproc.Serve{
		Bin: bin, Dir: dir, Name: "supervisor", Config: serverConfig, Profile: true,
		MemLimit: s.memLimit, ContainerMemoryLimit: s.limit.Value(),
		Args: []string{"--supervisor-workers", strconv.Itoa(s.workers)},
	})
	if err != nil {
		return err
	}
	defer stop(srv, s.logPath)
	mem := &sampler{pid: srv.Cmd.Process.Pid}
	sampling, stopSampling := context.WithCancel(ctx)
	defer stopSampling()
	go mem.run(sampling)
	idle := mem.current()

	fmt.Printf("Creating %d Tenants from %d clients...\n", s.tenants, s.creators)
	start := time.Now()
	if err := createTenants(ctx, c.Client, s.tenants, s.creators); err != nil {
		return err
	}
	created := time.Since(start)
	ready, err := waitForReady(ctx, c.Client, s.tenants, start, s.timeout)
	if err != nil {
		return fmt.Errorf("%w\nserver log:\n%s", err, srv.LogTail(20))
	}
	peak := mem.peak()
	reconciles, err := scrapeReconciles(srv.MetricsURL)
	if err != nil {
		return err
	}
	objects, err := countObjects(ctx, c.Client)
	if err != nil {
		return err
	}
	time.Sleep(5 * time.Second) // settle: the queue drains, the GC returns what it can
	settled := mem.current()
	if err := saveHeapProfile(srv.ProfileURL, s.heapPath); err != nil { // after a collection
		return err
	}
	process, err := scrapeProcess(srv.MetricsURL)
	if err != nil {
		return err
	}
	report(s, result{
		created: created, ready: ready, reconciles: reconciles, objects: objects, process: process,
		idleRSS: idle, peakRSS: peak, settledRSS: settled,
	})
	return nil
}

// result is what one run measured.
type result struct {
	created, ready               time.Duration
	reconciles                   reconcileStats
	objects                      map[string]int
	process                      processStats
	idleRSS, peakRSS, settledRSS int64
}

func report(s settings, r result) {
	// The targets: 1,000 Tenants Ready within 120 s at most 150 MiB; at
	// 10,000, at most 200 MiB (no time is asked for).
	readyTarget, rssTarget := 120*time.Second, int64(150<<20)
	if s.tenants > 1000 {
		readyTarget, rssTarget = s.timeout, 200<<20
	}
	fmt.Printf(`
%s
load average before the run's end: %s
Tenants:              %d (half staging, half production; every third on arm64)
all created after:    %.1fs
all Ready after:      %.1fs   (target: within %s) %s
objects made:         %d Namespaces, %d AppProjects, %d Applications, %d ResourceQuotas
reconciles:           %.0f in %.1fs: %.0f/s (errors: %.0f, requeued: %.0f); mean reconcile %.1fms
server RSS (VmRSS):   %s MiB idle, %s MiB peak, %s MiB settled   (target: peak <= %d MiB) %s
live heap at the end: %.1f MB, after a collection; the server sent %.0f GET requests
server:               tenantguard serve --supervisor-workers %d, memory limit %s, %s
`,
		runstats.CommandLine("./test/programs/perf/supervisor"), runstats.LoadAverage(),
		s.tenants, r.created.Seconds(), r.ready.Seconds(), readyTarget, verdict(r.ready <= readyTarget),
		r.objects["Namespace"], r.objects["AppProject"], r.objects["Application"], r.objects["ResourceQuota"],
		r.reconciles.total, r.ready.Seconds(), r.reconciles.total/r.ready.Seconds(), r.reconciles.errors, r.reconciles.requeued,
		r.reconciles.meanSeconds*1000,
		mib(r.idleRSS), mib(r.peakRSS), mib(r.settledRSS), rssTarget>>20, verdict(r.peakRSS <= rssTarget),
		r.process.liveHeap/1e6, r.process.apiGets,
		s.workers, s.limit.String(), goLimit(s))
}

// goLimit says which Go memory limit the server ran with.
func goLimit(s settings) string {
	if s.memLimit != "" {
		return "GOMEMLIMIT=" + s.memLimit
	}
	return fmt.Sprintf("Go's memory limit %.1f MiB (nine tenths)", float64(s.limit.Value()/10*9)/(1<<20))
}

// quantityFlag is a flag holding a Kubernetes quantity, such as 512Mi.
type quantityFlag struct{ q *resource.Quantity }

func (f quantityFlag) String() string {
	if f.q == nil {
		return ""
	}
	return f.q.String()
}

func (f quantityFlag) Set(value string) error {
	q, err := resource.ParseQuantity(value)
	if err != nil {
		return err
	}
	if q.Value() <= 0 {
		return fmt.Errorf("want a positive memory limit, got %s", value)
	}
	*f.q = q
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}
