package pipeline_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/test/support/runstats"
)

// shopTenant is a staging Tenant as the mutating webhook leaves it.
const shopTenant = `{"apiVersion":"tenantguard.io/v1alpha1","kind":"Tenant","metadata":{"name":"shop"},
 "spec":{"environment":"staging","namespace":"tenant-shop","arch":"amd64","destination":"https://kubernetes.default.svc"}}`

// listApplicationSet is an ApplicationSet of the Tenant shop whose list
// generator makes one Application per path.
func listApplicationSet(t testing.TB, paths ...string) map[string]any {
	t.Helper()
	elements := make([]string, len(paths))
	for i, p := range paths {
		elements[i] = fmt.Sprintf(`{"component":"c%d","path":%q}`, i, p)
	}
	var obj map[string]any
	require.NoError(t, json.Unmarshal([]byte(`{"apiVersion":"argoproj.io/v1alpha1","kind":"ApplicationSet",
 "metadata":{"name":"shop-set","namespace":"argocd","labels":{"tenantguard.io/tenant":"shop"}},
 "spec":{"generators":[{"list":{"elements":[`+strings.Join(elements, ",")+`]}}],
  "template":{"metadata":{"name":"shop-{{component}}","labels":{"tenantguard.io/tenant":"shop"}},
   "spec":{"project":"tenant-shop","destination":{"server":"https://kubernetes.default.svc","namespace":"tenant-shop"},
    "syncPolicy":{"automated":{"selfHeal":true}},
    "source":{"repoURL":"https://git.example.com/platform/tenants.git","path":"{{path}}","targetRevision":"HEAD"}}}}}`), &obj))
	return obj
}

func withShop(t *testing.T) *pipeline.Pipeline {
	p := served(t)
	p.Tenants = tenantlookup.NewIndex([]map[string]any{object(t, shopTenant, nil)}, p.Config)
	return p
}

func TestAnApplicationSetIsJudgedByEveryApplicationItMakes(t *testing.T) {
	p := withShop(t)
	review, err := decode.Manifest(listApplicationSet(t, "staging/api", "staging/web", "production/pay"), p.Config.Limits)
	require.NoError(t, err)
	review.UserInfo = authenticationv1.UserInfo{Username: "jane"}

	findings, err := p.Validate(t.Context(), review)

	require.NoError(t, err)
	rules := map[string]string{}
	for _, f := range findings {
		rules[f.Rule] = f.Message
		assert.Equal(t, "spec.template.spec.source.path", f.Field)
		assert.Contains(t, f.Message, "ApplicationSet argocd/shop-set: spec.generators[0].list.elements[2] → spec.template.spec.source.path: Application argocd/shop-c2:")
	}
	assert.Contains(t, rules, "app-environment-path")
	assert.Contains(t, rules, "app-production-source", "the ApplicationSet's user is no trusted identity")
}

func TestACleanApplicationSetHasNoFindings(t *testing.T) {
	p := withShop(t)
	review, err := decode.Manifest(listApplicationSet(t, "staging/api", "staging/web"), p.Config.Limits)
	require.NoError(t, err)

	findings, err := p.Validate(t.Context(), review)

	require.NoError(t, err)
	assert.Empty(t, findings)
}

// BenchmarkApplicationSet100 judges an ApplicationSet of 100 list elements
// in process: decoding and rendering, then the rules on each Application.
// go test ./webhook/pipeline/ -run XXX -bench ApplicationSet100 -benchtime 50x
func BenchmarkApplicationSet100(b *testing.B) {
	snapshot, err := live.Loader{}.Load(b.Context())
	require.NoError(b, err)
	p := &pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine}
	var tenant map[string]any
	require.NoError(b, json.Unmarshal([]byte(shopTenant), &tenant))
	p.Tenants = tenantlookup.NewIndex([]map[string]any{tenant}, p.Config)
	paths := make([]string, 100)
	for i := range paths {
		paths[i] = fmt.Sprintf("staging/c%d", i)
	}
	obj := listApplicationSet(b, paths...)
	b.ReportAllocs()
	start := runstats.ProcessCPU()
	for b.Loop() {
		review, err := decode.Manifest(obj, p.Config.Limits)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Validate(b.Context(), review); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time, not wall time, is the cost of a review on a shared machine.
	b.ReportMetric(float64((runstats.ProcessCPU()-start).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

func TestAGitGeneratorsTemplateIsJudgedByWhatItCanBecome(t *testing.T) {
	p := withShop(t)
	obj := object(t, `{"apiVersion":"argoproj.io/v1alpha1","kind":"ApplicationSet",
 "metadata":{"name":"shop-git","namespace":"argocd","labels":{"tenantguard.io/tenant":"shop"}},
 "spec":{"generators":[{"git":{"repoURL":"https://git.example.com/platform/tenants.git","directories":[{"path":"production/*"}]}}],
  "template":{"metadata":{"name":"shop-{{path.basename}}","labels":{"tenantguard.io/tenant":"shop"}},
   "spec":{"project":"default","destination":{"server":"https://kubernetes.default.svc","namespace":"tenant-shop"},
    "syncPolicy":{"automated":{"selfHeal":true}},
    "source":{"repoURL":"https://git.example.com/platform/tenants.git","path":"{{path}}"}}}}}`, nil)
	review, err := decode.Manifest(obj, p.Config.Limits)
	require.NoError(t, err)

	findings, err := p.Validate(t.Context(), review)

	require.NoError(t, err)
	byRule := map[string]string{}
	for _, f := range findings {
		byRule[f.Rule] = f.Field
	}
	assert.Equal(t, map[string]string{
		"appset-templated-path": "spec.template.spec.source.path",
		"app-project":           "spec.template.spec.project",
	}, byRule, "the literal project is judged on the template; the templated path by the ApplicationSet rule only")
	for _, f := range findings {
		if f.Rule == "app-project" {
			assert.Contains(t, f.Message, "ApplicationSet argocd/shop-git: spec.generators[0].git → spec.template.spec.project")
		}
	}
}

// BenchmarkApplications100 judges, for comparison in the same run, the 100
// Applications that BenchmarkApplicationSet100's list makes, as 100
// reviews of their own: what the ApplicationSet costs beyond them is its
// rendering and re-labelling.
func BenchmarkApplications100(b *testing.B) {
	snapshot, err := live.Loader{}.Load(b.Context())
	require.NoError(b, err)
	p := &pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine}
	var tenant map[string]any
	require.NoError(b, json.Unmarshal([]byte(shopTenant), &tenant))
	p.Tenants = tenantlookup.NewIndex([]map[string]any{tenant}, p.Config)
	paths := make([]string, 100)
	for i := range paths {
		paths[i] = fmt.Sprintf("staging/c%d", i)
	}
	set, err := decode.Manifest(listApplicationSet(b, paths...), p.Config.Limits)
	require.NoError(b, err)
	apps := make([]map[string]any, len(set.Generated))
	for i, g := range set.Generated {
		_, err := p.Mutate(b.Context(), g.Review) // as the mutating webhook leaves them
		require.NoError(b, err)
		apps[i] = g.Review.Object
	}
	b.ReportAllocs()
	start := runstats.ProcessCPU()
	for b.Loop() {
		for _, app := range apps {
			review, err := decode.Manifest(app, p.Config.Limits)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := p.Validate(b.Context(), review); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64((runstats.ProcessCPU()-start).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

func TestAnUpdateJudgesOnlyTheApplicationsItChanges(t *testing.T) {
	p := withShop(t)
	old := listApplicationSet(t, "production/pay", "staging/api")
	now := listApplicationSet(t, "production/pay", "staging/api", "production/new")
	review, err := decode.Manifest(now, p.Config.Limits) // a CREATE, to compare
	require.NoError(t, err)
	created, err := p.Validate(t.Context(), withUser(review))
	require.NoError(t, err)

	update, err := decodeUpdate(now, old, p)
	require.NoError(t, err)
	updated, err := p.Validate(t.Context(), withUser(update))
	require.NoError(t, err)

	assert.Contains(t, elements(created, "app-production-source"), "spec.generators[0].list.elements[0]")
	assert.Equal(t, []string{"spec.generators[0].list.elements[2]"}, elements(updated, "app-production-source"),
		"an Application the stored ApplicationSet already made at production/ is not re-pointed")
}

func withUser(r *decode.Review) *decode.Review {
	r.UserInfo = authenticationv1.UserInfo{Username: "jane"}
	return r
}

// decodeUpdate decodes the UPDATE of an ApplicationSet from old to now.
func decodeUpdate(now, old map[string]any, p *pipeline.Pipeline) (*decode.Review, error) {
	raw, _ := json.Marshal(now)
	oldRaw, _ := json.Marshal(old)
	req := admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		Kind:      metav1.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "ApplicationSet"},
		Namespace: "argocd", Name: "shop-set", Operation: admissionv1.Update,
		Object: runtime.RawExtension{Raw: raw}, OldObject: runtime.RawExtension{Raw: oldRaw},
	}}
	return decode.Request(req, p.Config.Limits)
}

// elements lists the generator elements a rule's findings name.
func elements(findings policy.Findings, rule string) []string {
	var out []string
	for _, f := range findings {
		if f.Rule == rule {
			at, _, _ := strings.Cut(strings.TrimPrefix(f.Message, "ApplicationSet argocd/shop-set: "), " → ")
			out = append(out, at)
		}
	}
	return out
}
