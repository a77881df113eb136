package policy_test

import (
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	"sigs.k8s.io/yaml"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/policies"
)

// benchApplication is a production tenant's Application as the supervisor
// writes it, clean under every rule, so every rule runs to its end.
const benchApplication = `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: argocd
  labels: {tenantguard.io/tenant: shop, tenantguard.io/environment: production}
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec:
  project: tenant-shop
  source:
    repoURL: https://git.example.com/platform/tenants.git
    path: production/shop
    targetRevision: HEAD
    helm:
      valueFiles: [values.yaml, values-images.yaml]
      valuesObject:
        global:
          nodeSelector: {kubernetes.io/arch: arm64}
  destination: {server: https://kubernetes.default.svc, namespace: tenant-shop}
  syncPolicy:
    automated: {prune: true, selfHeal: true}
`

const benchTenant = `
apiVersion: tenantguard.io/v1alpha1
kind: Tenant
metadata: {name: shop}
spec: {environment: production, arch: arm64, cloud: aws, region: eu-west-1, namespace: tenant-shop, destination: "https://kubernetes.default.svc"}
`

func benchInput(b *testing.B) policy.Input {
	var app, tenant map[string]any
	if err := yaml.Unmarshal([]byte(benchApplication), &app); err != nil {
		b.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(benchTenant), &tenant); err != nil {
		b.Fatal(err)
	}
	return policy.Input{
		Operation: "CREATE", Object: app,
		Tenant:   tenantlookup.Context{Tenant: tenant, Lookup: &tenantlookup.Search{Label: "shop", Namespace: "tenant-shop", Matches: []string{"shop"}}},
		UserInfo: authenticationv1.UserInfo{Username: "system:serviceaccount:tenantguard-system:tenantguard"},
	}
}

// servedData is the base document as `tenantguard serve` hands it over: the
// default cluster config, defaults filled in.
func servedData(b *testing.B) map[string]any {
	data, err := clusterconfig.Default().PolicyData()
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// benchTenantInput is the creation of the production Tenant, clean under
// every rule, with no other Tenant claiming its namespace, by the supervisor.
func benchTenantInput(b *testing.B) policy.Input {
	var tenant map[string]any
	if err := yaml.Unmarshal([]byte(benchTenant), &tenant); err != nil {
		b.Fatal(err)
	}
	return policy.Input{
		Operation: "CREATE", Object: tenant,
		Tenant:   tenantlookup.Context{NamespaceClaims: []string{}},
		UserInfo: authenticationv1.UserInfo{Username: "system:serviceaccount:tenantguard-system:tenantguard"},
	}
}

// BenchmarkReview evaluates one Application against the whole rule set, in
// process, as the webhook does, and reports the median evaluation time as
// well as the mean.
func BenchmarkReview(b *testing.B) {
	benchmarkReview(b, benchInput(b))
}

// BenchmarkReviewTenant does the same for one Tenant.
func BenchmarkReviewTenant(b *testing.B) {
	benchmarkReview(b, benchTenantInput(b))
}

func benchmarkReview(b *testing.B, in policy.Input) {
	e := engine(b, policies.FS, servedData(b))
	var times []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		findings, err := e.Review(b.Context(), in)
		times = append(times, time.Since(start))
		if err != nil || len(findings) != 0 {
			b.Fatalf("want a clean %s, got %v, %v", in.Object["kind"], findings, err)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds())/1e3, "median-µs/op")
}

// BenchmarkRuleAlone evaluates the same Application against each rule alone
// (and against none), so a policy author sees what a rule costs.
func BenchmarkRuleAlone(b *testing.B) {
	in := benchInput(b)
	rules, err := fs.Glob(policies.FS, "rules/*/*")
	if err != nil {
		b.Fatal(err)
	}
	for _, rule := range append([]string{"none"}, rules...) {
		b.Run(path.Base(rule), func(b *testing.B) {
			e := engine(b, onlyRule(b, rule), servedData(b))
			for b.Loop() {
				if _, err := e.Review(b.Context(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// onlyRule is the embedded bundle with a single rule directory (or none).
func onlyRule(b *testing.B, dir string) fs.FS {
	out := fstest.MapFS{}
	err := fs.WalkDir(policies.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(name, "rules/") && !strings.HasPrefix(name, dir+"/") {
			return err
		}
		data, err := fs.ReadFile(policies.FS, name)
		out[name] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}
