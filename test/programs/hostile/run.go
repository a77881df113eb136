package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/test/support/cluster"
	"github.com/tenantguard/tenantguard/test/support/testcert"
)

// validTenants are the Tenants the valid stream's Applications belong to;
// the first is also the one hostile Applications name.
var validTenants = []string{attackTenant, "hostile-01", "hostile-02", "hostile-03"}

// maxClientFDs keeps this process's connections, with everything else it
// has open, under 15,000 file descriptors: the machine's limit is 20,000 and
// the API server, etcd and the server under attack share it.
const maxClientFDs = 14500

// run sets everything up, runs the attacks one after another and prints
// the report. It returns false when a check failed.
func run(o options) (bool, error) {
	dir, err := os.MkdirTemp("", "tenantguard-hostile")
	if err != nil {
		return false, err
	}
	// The directory goes last, once the server and the API server have
	// stopped; it stays when the run failed, for the server's log.
	ok := false
	defer func() {
		if ok {
			os.RemoveAll(dir)
		} else {
			fmt.Printf("server logs and files kept in %s\n", dir)
		}
	}()
	files, ca, stopAPI, err := prepare(dir, o)
	if err != nil {
		return false, err
	}
	defer stopAPI()
	files.cgroup = memoryCgroupFor(o)
	// Removed after the server stops: a cgroup with a process in it stays.
	defer files.cgroup.remove()
	flags, err := serveFlags(files.bin)
	if err != nil {
		return false, err
	}
	fmt.Println("server flags that bound clients (defaults in use):")
	for _, line := range describeFlags(flags) {
		fmt.Println("  " + line)
	}
	first, err := startServer(files, 1)
	if err != nil {
		return false, err
	}
	h := &harness{o: o, files: files, fdBudget: fdBudget()}
	h.sampler.cgroup = files.cgroup
	h.srv.Store(first)
	defer func() { h.srv.Load().stop() }()
	h.rig = &rig{
		o: o, flags: flags, fdBudget: h.fdBudget,
		ep:         &endpoint{addr: func() string { return h.srv.Load().addr }, tls: ca.ClientConfig()},
		metricsURL: func() string { return h.srv.Load().metricsURL },
		probeAddr:  func() string { return h.srv.Load().probeAddr },
	}
	fmt.Printf("setup: server pid %d on %s, TENANTGUARD_MEMORY_LIMIT=%d MiB, GOMEMLIMIT=%q, scale %g, hold %s, duration cap %s, %d valid clients at %g reviews/s, up to %d attack connections\n",
		first.pid(), first.addr, o.memoryMiB, o.goMemLimit, o.scale, o.holdTime(), o.duration, o.validClients, o.validRate, h.fdBudget)
	rows := h.runAttacks()
	ok = printReport(o, rows)
	if kills := files.cgroup.oomKills(); kills > 0 {
		fmt.Printf("the kernel killed the server for memory %d times in its cgroup\n", kills)
		ok = false
	}
	return ok, nil
}

// memoryCgroupFor makes the memory cgroup -memory-cgroup asks for, and says
// which limit the server runs under; nil when none is asked for or none can
// be made here.
func memoryCgroupFor(o options) *memoryCgroup {
	if !o.cgroup {
		fmt.Println("memory cgroup: none asked for; the server runs under its Go memory limit alone")
		return nil
	}
	c, err := newMemoryCgroup(o.memoryMiB << 20)
	if err != nil {
		fmt.Printf("memory cgroup: NONE, none can be made here (%v); the server runs under its Go memory limit alone\n", err)
		return nil
	}
	fmt.Printf("memory cgroup: %s, limited to %d MiB, swap included\n", c.dir, o.memoryMiB)
	return c
}

// prepare builds the server, issues its certificate, starts the API server
// with the Tenants and writes its kubeconfig: everything a server start
// needs. The returned function stops the API server.
func prepare(dir string, o options) (serverFiles, *testcert.Authority, func(), error) {
	files := serverFiles{dir: dir, memoryLimit: o.memoryMiB << 20, goMemLimit: o.goMemLimit, kubeconfig: filepath.Join(dir, "kubeconfig")}
	var err error
	if files.bin, err = buildServer(cluster.RepoRoot(), dir); err != nil {
		return files, nil, nil, err
	}
	ca, certs, _, err := testcert.Issue(dir, "certs")
	if err != nil {
		return files, nil, nil, err
	}
	files.certDir = certs.Path
	api, err := cluster.StartAPIServer()
	if err != nil {
		return files, nil, nil, err
	}
	stop := func() { _ = api.Stop() }
	tenants := make([]*tenantv1.Tenant, len(validTenants))
	for i, name := range validTenants {
		tenants[i] = &tenantv1.Tenant{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec:       tenantv1.TenantSpec{Environment: "staging", Arch: []string{"amd64", "arm64"}[i%2], Cloud: "aws", Region: "eu-west-1"},
		}
	}
	kubeconfig, err := api.KubeConfig()
	if err == nil {
		err = api.CreateTenants(context.Background(), tenants...)
	}
	if err == nil {
		err = os.WriteFile(files.kubeconfig, kubeconfig, 0o600)
	}
	if err != nil {
		stop()
		return files, nil, nil, err
	}
	return files, ca, stop, nil
}

// fdBudget raises this process's open-file limit to its hard limit and
// returns how many attack connections fit under it and under maxClientFDs,
// keeping room for everything else the process holds.
func fdBudget() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 1000
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	fmt.Printf("open files: limit %d (hard %d)\n", lim.Cur, lim.Max)
	return int(min(maxClientFDs, max(100, int64(lim.Cur)-500)))
}

// harness runs the attacks against the current server, restarting it when
// an attack killed it so that the remaining attacks still run.
type harness struct {
	o        options
	files    serverFiles
	fdBudget int
	srv      atomic.Pointer[serverProc]
	rig      *rig
	sampler  sampler
	valid    *validStream
	starts   int
	// idleFDs is how many descriptors the server holds with only the valid
	// stream connected.
	idleFDs int
}

// runAttacks starts the sampler and the valid stream, measures the stream
// alone, then each attack, and returns a row per window.
func (h *harness) runAttacks() []*row {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.starts = 1
	h.sampler.watch(h.srv.Load().pid())
	go h.sampler.run(ctx)
	h.valid = newValidStream(h.rig.ep, h.o.validClients, h.o.validRate, validTenants)
	validDone := make(chan struct{})
	go func() { h.valid.run(ctx); close(validDone) }()
	defer func() { cancel(); <-validDone }()
	time.Sleep(time.Second) // the valid clients connect
	h.idleFDs = countFDs(h.srv.Load().pid())
	idle := &attack{name: "(none)", what: "the valid stream alone", expect: "-", expected: func(string) bool { return true },
		run: func(ctx context.Context, _ *rig, _ *tally) error {
			select {
			case <-ctx.Done():
			case <-time.After(max(2*time.Second, h.o.holdTime()/2)):
			}
			return nil
		}}
	rows := []*row{h.measure(ctx, idle)}
	for _, a := range h.o.attacks {
		h.settle()
		fmt.Printf("%s: running (%s)\n", a.name, a.what)
		rows = append(rows, h.measure(ctx, a))
		if err := h.restartIfDead(rows[len(rows)-1]); err != nil {
			fmt.Println("could not restart the server:", err)
			break
		}
	}
	return rows
}

// measure runs one attack in windows of its own: the sampler's, the valid
// stream's and the server log's.
func (h *harness) measure(ctx context.Context, a *attack) *row {
	srv := h.srv.Load()
	h.sampler.window()
	h.valid.window()
	logStart := srv.logSize()
	t := newTally()
	actx, cancel := context.WithTimeout(ctx, h.o.duration)
	start := time.Now()
	err := a.run(actx, h.rig, t)
	capped := actx.Err() != nil
	cancel()
	r := &row{attack: a, tally: t, err: err, wall: time.Since(start), capped: capped}
	r.mem = h.sampler.window()
	r.valid = h.valid.window()
	r.logBytes = srv.logSize() - logStart
	r.died = srv.died()
	if r.died == nil {
		r.metrics, r.metricsErr = scrapeMetrics(srv.metricsURL)
	}
	fmt.Printf("%s: done in %s: %s\n", a.name, r.wall.Round(time.Millisecond), t.summary())
	return r
}

// settle waits, up to 30 s, until the server holds no more descriptors
// than with only the valid stream, so that one attack's connections do not
// count against the next.
func (h *harness) settle() {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if n := countFDs(h.srv.Load().pid()); n >= 0 && n <= h.idleFDs+16 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second)
}

// restartIfDead starts a new server when the attack of r killed the current
// one, after printing the end of its log.
func (h *harness) restartIfDead(r *row) error {
	old := h.srv.Load()
	if r.died == nil {
		return nil
	}
	fmt.Printf("THE SERVER DIED during %s: %v\nlast lines of its log:\n%s\n", r.attack.name, r.died, old.logTail(20))
	old.stop()
	h.starts++
	srv, err := startServer(h.files, h.starts)
	if err != nil {
		return err
	}
	h.srv.Store(srv)
	h.sampler.watch(srv.pid())
	time.Sleep(time.Second)
	h.idleFDs = countFDs(srv.pid())
	return nil
}
