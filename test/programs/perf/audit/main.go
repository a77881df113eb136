// Command audit measures tenantguard's audit at scale: it starts a real
// kube-apiserver (envtest) with the Argo CD and OpenReports CRDs and
// tenantguard's webhooks registered, creates Tenants and their Applications
// through the webhooks (served by a first `tenantguard serve`, which does not
// audit), then starts `tenantguard serve --audit` as a process of its own, as
// its service account with the RBAC of config/rbac and config/audit, with a
// cluster config that allows none of the Applications' repository: every
// Application breaks a deny rule, the worst case for the reports. It reports
// how long the first audit took (from the server's log), the server's peak
// resident memory (VmHWM, from /proc), and the size of the largest report as
// stored.
//
//	KUBEBUILDER_ASSETS=... go run ./test/programs/perf/audit -tenants 2000 -apps-per-tenant 5
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/tenantguard/tenantguard/test/support/cluster"
	"github.com/tenantguard/tenantguard/test/support/runstats"
	"github.com/tenantguard/tenantguard/test/support/serverproc"
)

// settings are the program's flags.
type settings struct {
	tenants       int
	appsPerTenant int
	creators      int
	maxResults    int
	timeout       time.Duration
	memLimit      string
}

func main() {
	var s settings
	flag.IntVar(&s.tenants, "tenants", 2000, "Tenants to create")
	flag.IntVar(&s.appsPerTenant, "apps-per-tenant", 5, "Applications to create for each Tenant, all in namespace argocd")
	flag.IntVar(&s.creators, "creators", 32, "clients creating objects at once")
	flag.IntVar(&s.maxResults, "max-results", 0, "the auditing server's --audit-max-results (0: its default)")
	flag.DurationVar(&s.timeout, "timeout", 5*time.Minute, "how long to wait for the audit")
	flag.StringVar(&s.memLimit, "gomemlimit", "512MiB", "the auditing server's GOMEMLIMIT, as the chart sets it from the memory limit")
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.Level(zapcore.ErrorLevel)))
	if err := run(s); err != nil {
		fmt.Fprintln(os.Stderr, "audit:", err)
		os.Exit(1)
	}
}

func run(s settings) error {
	ctx := context.Background()
	fmt.Println("Starting kube-apiserver and etcd with the Argo CD and OpenReports CRDs and tenantguard's webhooks...")
	c, err := cluster.StartWith(ctx, cluster.Options{External: true, AsServiceAccount: true, LeaderElection: true, Audit: true})
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
	bin, dir, err := serverproc.Build(c, "tenantguard-perf-audit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	admitting, err := serverproc.Start(ctx, c, serverproc.Serve{
		Bin: bin, Dir: dir, Name: "admitting", Config: admitConfig, MemLimit: s.memLimit,
		Args: []string{"--supervisor=false", "--leader-elect=false"},
	})
	if err != nil {
		return err
	}
	fmt.Printf("Creating %d Tenants and %d Applications from %d clients...\n", s.tenants, s.tenants*s.appsPerTenant, s.creators)
	start := time.Now()
	if err := createObjects(ctx, c.Client, s); err != nil {
		admitting.Stop()
		return fmt.Errorf("%w\nserver log:\n%s", err, admitting.LogTail(20))
	}
	created := time.Since(start)
	admitting.Stop()

	args := []string{"--supervisor=false", "--audit", "--audit-interval=1h"}
	if s.maxResults > 0 {
		args = append(args, fmt.Sprintf("--audit-max-results=%d", s.maxResults))
	}
	server, err := serverproc.Start(ctx, c, serverproc.Serve{Bin: bin, Dir: dir, Name: "auditing", Config: auditConfig, MemLimit: s.memLimit, Args: args})
	if err != nil {
		return err
	}
	auditing := &auditingServer{server}
	defer auditing.Stop()
	audited, err := auditing.waitForAudit(s.tenants*s.appsPerTenant, s.timeout)
	if err != nil {
		return err
	}
	peak, err := peakRSS(auditing.Cmd.Process.Pid)
	if err != nil {
		return err
	}
	largest, err := largestReport(ctx, c.Client)
	if err != nil {
		return err
	}
	report(s, created, audited, time.Since(auditing.Started), peak, largest)
	return nil
}

func report(s settings, created time.Duration, a auditLine, sinceStart time.Duration, peak int64, largest reportSize) {
	const timeTarget, rssTarget, sizeLimit = 60 * time.Second, 250 << 20, 1536 << 10
	fmt.Printf(`
%s
load average: %s
objects:              %d Tenants, %d Applications (created in %.1fs)
first audit:          %.2fs for %d Applications and %d Tenants, %d findings   (target: <= %s) %s
  listing and judging: %.2fs; writing the reports and conditions: %.2fs
server start to audited: %.1fs (cache sync, leader election, the audit, the writes)
server peak RSS:      %.1f MiB (VmHWM)   (target: <= %d MiB) %s
largest report:       %s %s: %d bytes as stored, %d results, summary fail=%d warn=%d   (limit: < %d bytes) %s
server:               tenantguard serve --audit --supervisor=false, GOMEMLIMIT=%s
`,
		runstats.CommandLine("./test/programs/perf/audit"), runstats.LoadAverage(),
		s.tenants, s.tenants*s.appsPerTenant, created.Seconds(),
		a.duration.Seconds(), a.applications, a.tenants, a.findings, timeTarget, verdict(a.duration <= timeTarget),
		a.judging.Seconds(), (a.duration - a.judging).Seconds(),
		sinceStart.Seconds(),
		float64(peak)/(1<<20), rssTarget>>20, verdict(peak <= rssTarget),
		largest.kind, largest.name, largest.bytes, largest.results, largest.fail, largest.warn, sizeLimit, verdict(largest.bytes < sizeLimit),
		s.memLimit)
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}
