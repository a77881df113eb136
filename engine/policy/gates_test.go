package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/policies"
)

// A rule may stop early on the common object: its violation rule asks the
// findings (_violations) only when a cheap check (_clean, or lib.common's
// application, written from the rules' gates) fails. The check must never
// hide a finding. This test holds every such rule to that on the reviews
// around a clean Application and a clean Tenant: each field a check reads
// (and more) removed or set to each of many values, one field and two fields
// at a time; the gated findings must equal the findings, and where a rule's
// own gate holds, the rule has no finding.
func TestGatesNeverHideAFinding(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates every gated rule on thousands of reviews")
	}
	modules, err := parseModules(policies.FS)
	require.NoError(t, err)
	compiler, err := compile(modules)
	require.NoError(t, err)
	data, err := clusterconfig.Default().PolicyData()
	require.NoError(t, err)
	store := inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true))

	var gated []string
	for _, m := range modules {
		pkg := m.Package.Path.String()
		if strings.HasPrefix(pkg, rulesPackagePrefix) && len(compiler.GetRules(ast.MustParseRef(pkg+"._violations"))) > 0 {
			gated = append(gated, pkg)
		}
	}
	slices.Sort(gated)
	gated = slices.Compact(gated)
	require.NotEmpty(t, gated)

	queries := map[string]rego.PreparedEvalQuery{}
	hasGate := map[string]bool{}
	for _, pkg := range gated {
		q := fmt.Sprintf("gated := %s.violation; all := %s._violations; gate := count([1 | %s.gate])", pkg, pkg, pkg)
		if len(compiler.GetRules(ast.MustParseRef(pkg+".gate"))) == 0 {
			q = fmt.Sprintf("gated := %s.violation; all := %s._violations; gate := 0", pkg, pkg)
		} else {
			hasGate[pkg] = true
		}
		pq, err := rego.New(rego.Query(q), rego.Compiler(compiler), rego.Store(store), rego.StoreReadAST(true)).PrepareForEval(context.Background())
		require.NoError(t, err)
		queries[pkg] = pq
	}

	reviews := gateReviews(t)
	t.Logf("%d gated rules, %d reviews", len(gated), len(reviews))
	clean, gateHeld := map[string]int{}, map[string]int{}
	for _, review := range reviews {
		input, err := ast.InterfaceToValue(review.doc)
		require.NoError(t, err)
		for _, pkg := range gated {
			// A rule of a kind is asked only about reviews of that kind.
			if kind := strings.TrimPrefix(pkg, rulesPackagePrefix); strings.Contains(kind, ".") && !strings.HasPrefix(kind, review.kind+".") {
				continue
			}
			rs, err := queries[pkg].Eval(context.Background(), rego.EvalParsedInput(input))
			require.NoError(t, err)
			require.Len(t, rs, 1)
			got, all := rs[0].Bindings["gated"], rs[0].Bindings["all"]
			if !equalJSON(got, all) {
				t.Errorf("%s hides findings on %s:\ngated: %v\nall:   %v", pkg, review.name, got, all)
			}
			list, _ := all.([]any)
			if len(list) == 0 {
				clean[pkg]++
			}
			if fmt.Sprint(rs[0].Bindings["gate"]) != "0" {
				gateHeld[pkg]++
				if len(list) > 0 {
					t.Errorf("%s's gate holds on %s, but the rule has findings: %v", pkg, review.name, all)
				}
			}
		}
	}
	for _, pkg := range gated {
		require.Positive(t, clean[pkg], "%s: no clean review among the mutations: the test reaches no gate", pkg)
		if hasGate[pkg] {
			require.Positive(t, gateHeld[pkg], "%s: its gate held on no review", pkg)
		}
	}
}

type gateReview struct {
	name string
	// kind is application or tenant, as the rules' packages are grouped.
	kind string
	// pair says two fields were changed.
	pair bool
	doc  map[string]any
}

// gateValues are what a field is set to, besides being removed.
var gateValues = []any{
	"", "x", "shop", "other", "Shop", "a-tenant-name-of-more-than-forty-characters-x", "UPDATE", "DELETE", "tenant-shop", "tenant-other", "HEAD", "main", "3f1c9a0",
	"production", "staging", "production/shop", "staging/shop", "production/../staging", "arm64", "amd64",
	"https://kubernetes.default.svc", "in-cluster", "https://remote.example.com", "kube-system", "argocd", "default",
	"https://git.example.com/platform/tenants.git", "1.2.3", "values.yaml", "$ref/values.yaml", "../x.yaml",
	json.Number("0"), json.Number("1234567"), json.Number("1.5"), true, false, nil,
	map[string]any{}, []any{}, map[string]any{"a": "b"}, []any{"shop"}, []any{"shop", "other"},
	[]any{"values.yaml", "../up.yaml"}, []any{"../../staging/x"}, []any{json.Number("1")}, []any{map[string]any{"name": "image.tag", "path": "values.yaml"}},
	[]any{map[string]any{"name": "a", "path": json.Number("5")}}, []any{map[string]any{"name": "a", "path": "/abs.yaml"}},
	[]any{map[string]any{"name": "global.image.tag", "value": "v1"}}, []any{"app:v1"},
	map[string]any{"image": map[string]any{"tag": "v1"}}, map[string]any{"kubernetes.io/arch": "amd64"},
	map[string]any{"automated": map[string]any{"selfHeal": true}}, map[string]any{"selfHeal": true, "enabled": false},
}

type gateField struct {
	path  string
	value any
}

// gateEdges are reviews of several fields changed at once.
var gateEdges = []struct {
	kind   string
	fields []gateField
}{
	// a lookup without label that found two Tenants, the first the given one
	{"application", []gateField{{"tenantLookup.label", ""}, {"tenantLookup.matches", []any{"shop", "other"}}}},
	// a Tenant without a name, labelled so, among two found
	{"application", []gateField{{"tenant.metadata.name", ""}, {"object.metadata.labels.tenantguard.io/tenant", ""},
		{"tenantLookup.label", ""}, {"tenantLookup.matches", []any{"", "other"}}}},
	// a Tenant's namespace and the destination namespace both empty, or both not a string
	{"application", []gateField{{"tenant.spec.namespace", ""}, {"object.spec.destination.namespace", ""}}},
	{"application", []gateField{{"tenant.spec.namespace", json.Number("5")}, {"object.spec.destination.namespace", json.Number("5")}}},
}

// gatePaths are the fields mutated, by review kind.
var gatePaths = map[string][]string{
	"application": {
		"operation", "userInfo.username",
		"object.kind", "object.apiVersion", "object.metadata.name", "object.metadata.namespace",
		"object.metadata.labels", "object.metadata.labels.tenantguard.io/tenant", "object.metadata.labels.tenantguard.io/environment",
		"object.spec.project", "object.spec.destination", "object.spec.destination.server", "object.spec.destination.name",
		"object.spec.destination.namespace", "object.spec.source", "object.spec.source.repoURL", "object.spec.source.path",
		"object.spec.source.targetRevision", "object.spec.source.chart", "object.spec.source.ref", "object.spec.source.helm",
		"object.spec.source.helm.valueFiles", "object.spec.source.helm.valuesObject",
		"object.spec.source.helm.valuesObject.global.nodeSelector.kubernetes.io/arch", "object.spec.source.helm.values",
		"object.spec.source.helm.parameters", "object.spec.source.helm.fileParameters", "object.spec.source.kustomize",
		"object.spec.source.kustomize.images", "object.spec.source.kustomize.components",
		"object.spec.sources", "object.spec.sourceHydrator", "object.spec.syncPolicy", "object.spec.syncPolicy.automated",
		"object.spec.syncPolicy.automated.selfHeal", "object.spec.syncPolicy.automated.enabled",
		"tenant", "tenant.kind", "tenant.metadata.name", "tenant.spec", "tenant.spec.environment", "tenant.spec.namespace",
		"tenant.spec.arch", "tenant.spec.destination",
		"tenantLookup", "tenantLookup.label", "tenantLookup.namespace", "tenantLookup.matches",
	},
	"tenant": {
		"operation", "userInfo.username",
		"object.kind", "object.apiVersion", "object.metadata", "object.metadata.name", "object.metadata.generateName",
		"object.metadata.namespace", "object.spec", "object.spec.environment", "object.spec.namespace", "object.spec.arch",
		"object.spec.cloud", "object.spec.region", "object.spec.airGapped", "object.spec.registryMirror",
		"object.spec.destination", "namespaceClaims", "oldObject", "oldObject.spec.environment", "oldObject.spec.namespace",
	},
}

func gateReviews(t *testing.T) []gateReview {
	t.Helper()
	var app, tenant map[string]any
	require.NoError(t, json.Unmarshal([]byte(gateApplication), &app))
	require.NoError(t, json.Unmarshal([]byte(gateTenant), &tenant))
	bases := map[string]map[string]any{
		"application": {
			"operation": "CREATE", "object": app, "tenant": tenant,
			"tenantLookup": map[string]any{"label": "shop", "namespace": "tenant-shop", "matches": []any{"shop"}},
			"userInfo":     map[string]any{"username": "system:serviceaccount:tenantguard-system:tenantguard", "uid": "", "groups": []any{}},
		},
		"tenant": {
			"operation": "CREATE", "object": tenant, "namespaceClaims": []any{},
			"userInfo": map[string]any{"username": "alice", "uid": "", "groups": []any{}},
		},
	}
	var out []gateReview
	// Reviews several fields away from the clean ones, which the runners
	// never send but a check must still not pass.
	for _, edge := range gateEdges {
		doc := bases[edge.kind]
		name := edge.kind
		for _, f := range edge.fields {
			doc = with(doc, f.path, f.value)
			name += fmt.Sprintf(" %s=%v", f.path, f.value)
		}
		out = append(out, gateReview{name: name, kind: edge.kind, doc: doc})
	}
	for kind, base := range bases {
		out = append(out, gateReview{name: kind, kind: kind, doc: base})
		paths := gatePaths[kind]
		values := append([]any{deleted{}}, gateValues...)
		for i, p := range paths {
			for _, v := range values {
				out = append(out, gateReview{name: fmt.Sprintf("%s %s=%v", kind, p, v), kind: kind, doc: with(base, p, v)})
			}
			// Two fields at a time, each removed or set to another value.
			for _, q := range paths[i+1:] {
				for _, v := range []any{deleted{}, "other"} {
					for _, w := range []any{deleted{}, "other", false} {
						out = append(out, gateReview{name: fmt.Sprintf("%s %s=%v %s=%v", kind, p, v, q, w), kind: kind, pair: true, doc: with(with(base, p, v), q, w)})
					}
				}
			}
		}
	}
	return out
}

type deleted struct{}

func (deleted) String() string { return "<removed>" }

// with is doc with the field at path (dot-separated; the keys of a
// Kubernetes label or a Helm value hold dots, so the last known keys are
// matched first) set to v, or removed for deleted{}. Missing objects on the
// way are created.
func with(doc map[string]any, path string, v any) map[string]any {
	out := deepCopy(doc).(map[string]any)
	keys := splitPath(path)
	m := out
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	last := keys[len(keys)-1]
	if _, ok := v.(deleted); ok {
		delete(m, last)
	} else {
		m[last] = v
	}
	return out
}

func splitPath(path string) []string {
	for _, dotted := range []string{"tenantguard.io/tenant", "tenantguard.io/environment", "kubernetes.io/arch"} {
		if strings.HasSuffix(path, "."+dotted) {
			return append(strings.Split(strings.TrimSuffix(path, "."+dotted), "."), dotted)
		}
	}
	return strings.Split(path, ".")
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = deepCopy(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = deepCopy(x)
		}
		return out
	}
	return v
}

func equalJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// gateApplication and gateTenant are the clean review's objects: a
// production tenant's Application as the supervisor writes it, and its Tenant.
const gateApplication = `{
	"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd",
		"labels": {"tenantguard.io/tenant": "shop", "tenantguard.io/environment": "production"},
		"finalizers": ["resources-finalizer.argocd.argoproj.io"]},
	"spec": {
		"project": "tenant-shop",
		"source": {"repoURL": "https://git.example.com/platform/tenants.git", "path": "production/shop", "targetRevision": "HEAD",
			"helm": {"valueFiles": ["values.yaml", "values-images.yaml"], "valuesObject": {"global": {"nodeSelector": {"kubernetes.io/arch": "arm64"}}}}},
		"destination": {"server": "https://kubernetes.default.svc", "namespace": "tenant-shop"},
		"syncPolicy": {"automated": {"prune": true, "selfHeal": true}}
	}
}`

const gateTenant = `{
	"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant",
	"metadata": {"name": "shop"},
	"spec": {"environment": "production", "arch": "arm64", "cloud": "aws", "region": "eu-west-1", "namespace": "tenant-shop",
		"destination": "https://kubernetes.default.svc"}
}`

// The entry points of a kind are partially evaluated against the cluster
// config when the policies are loaded; what they answer must be what the
// policies as written answer, on every review around the clean ones.
func TestSpecializedEntryPointsAnswerAsWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates the rules on thousands of reviews")
	}
	data, err := clusterconfig.Default().PolicyData()
	require.NoError(t, err)
	specialized, err := newEngine(t.Context(), policies.FS, data, true)
	require.NoError(t, err)
	require.True(t, specialized.specialized, "the embedded policies no longer partially evaluate")
	written, err := newEngine(t.Context(), policies.FS, data, false)
	require.NoError(t, err)
	require.False(t, written.specialized)

	for i, review := range gateReviews(t) {
		if review.pair && i%3 != 0 {
			continue // a third of the reviews two fields away suffices here
		}
		in := Input{Operation: fmt.Sprint(review.doc["operation"])}
		in.Object, _ = review.doc["object"].(map[string]any)
		in.OldObject, _ = review.doc["oldObject"].(map[string]any)
		in.Tenant.Tenant, _ = review.doc["tenant"].(map[string]any)
		if user, ok := review.doc["userInfo"].(map[string]any); ok {
			in.UserInfo.Username, _ = user["username"].(string)
		}
		if lookup, ok := review.doc["tenantLookup"].(map[string]any); ok {
			in.Tenant.Lookup = &tenantlookup.Search{Label: fmt.Sprint(lookup["label"]), Namespace: fmt.Sprint(lookup["namespace"])}
			for _, m := range asList(lookup["matches"]) {
				in.Tenant.Lookup.Matches = append(in.Tenant.Lookup.Matches, fmt.Sprint(m))
			}
		}
		if claims, ok := review.doc["namespaceClaims"]; ok {
			in.Tenant.NamespaceClaims = []string{}
			for _, c := range asList(claims) {
				in.Tenant.NamespaceClaims = append(in.Tenant.NamespaceClaims, fmt.Sprint(c))
			}
		}
		got, gotErr := specialized.Review(t.Context(), in)
		want, wantErr := written.Review(t.Context(), in)
		require.Equal(t, wantErr, gotErr, review.name)
		if !equalJSON(got, want) {
			t.Errorf("%s:\nspecialized: %v\nas written:  %v", review.name, got, want)
		}
	}
}

func asList(v any) []any {
	list, _ := v.([]any)
	return list
}
