package defaults_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/defaults"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/policies"
	"github.com/tenantguard/tenantguard/webhook/respond"
)

// The properties below hold for any object and any valid cluster config:
//
//   - defaulting twice changes nothing the first pass did not, on the defaulted
//     object and on the object kube-apiserver sends on after applying the patch;
//   - the defaulted object draws no finding, of any enforcement, about a field
//     the defaults wrote or anything inside it: what the mutating webhook writes
//     the validating webhook accepts.
//
// Objects are built from the fuzzer's bytes into structurally varied shapes,
// so that the fuzzer explores Applications and Tenants rather than JSON syntax.
// Both webhooks are run through the pipeline, as served.

// propConfig is a valid cluster config the properties are checked under.
type propConfig struct {
	name string
	edit func(*clusterconfig.ClusterConfig)
}

var propConfigs = []propConfig{
	{"defaults", func(*clusterconfig.ClusterConfig) {}},
	{"main tracked first", func(c *clusterconfig.ClusterConfig) { c.TrackingRefs = []string{"main", "HEAD"} }},
	{"tainted arm64, a registry mirror", func(c *clusterconfig.ClusterConfig) {
		c.TaintedArchPools = []string{"arm64"}
		c.Defaults.RegistryMirror = "mirror.example.com:5000/tenants"
	}},
	{"top-level value paths, arm64 default, every pool tainted", func(c *clusterconfig.ClusterConfig) {
		c.ValuePaths = clusterconfig.ValuePaths{NodeSelector: "nodeSelector", Tolerations: "tolerations", ImageRegistry: "image.registry"}
		c.Defaults.Arch = "arm64"
		c.TaintedArchPools = []string{"amd64", "arm64"}
		c.Defaults.RegistryMirror = "registry.internal/mirror"
		c.TrackingRefs = []string{"release", "HEAD"}
	}},
	{"nested value paths", func(c *clusterconfig.ClusterConfig) {
		c.ValuePaths = clusterconfig.ValuePaths{NodeSelector: "global", Tolerations: "global.tolerations", ImageRegistry: "global.image.registry"}
		c.TaintedArchPools = []string{"amd64"}
		c.Defaults.RegistryMirror = "mirror.example.com"
	}},
	{"namespaces named as the tenants, in their own environments", func(c *clusterconfig.ClusterConfig) {
		c.TenantNaming.NamespacePrefix = ""
		c.TenantNaming.ProjectPrefix = "team-"
		c.Environments = map[string]string{"staging": "envs/staging", "production": "envs/production"}
		c.ExcludedNamespaces = []string{"kube-system", "platform"}
	}},
	{"image tag keys beside the value paths", func(c *clusterconfig.ClusterConfig) {
		c.ImageTagKeys = []string{"global.tag", "imageTag"}
		c.ValuePaths.ImageRegistry = "global.registry"
		c.Defaults.RegistryMirror = "mirror.example.com"
	}},
}

// propPipelines are the pipelines' configs and engines, built once per process.
var propPipelines = sync.OnceValues(func() ([]*pipeline.Pipeline, error) {
	out := make([]*pipeline.Pipeline, len(propConfigs))
	for i, pc := range propConfigs {
		cfg := clusterconfig.Default()
		pc.edit(cfg)
		if err := cfg.Validate().ToAggregate(); err != nil {
			return nil, fmt.Errorf("config %q: %w", pc.name, err)
		}
		engine, err := policy.NewWithConfig(context.Background(), policies.FS, cfg)
		if err != nil {
			return nil, err
		}
		out[i] = &pipeline.Pipeline{Config: cfg, Engine: engine}
	}
	return out, nil
})

// choices writes a seed as the choices it makes, one number per byte.
func choices(seed string) []byte {
	var out []byte
	for _, field := range strings.Fields(seed) {
		var n byte
		if _, err := fmt.Sscan(field, &n); err != nil {
			panic(err)
		}
		out = append(out, n)
	}
	return out
}

// bytesource hands out the fuzzer's bytes as choices; zeros once they run out.
type bytesource struct {
	data []byte
	next int
}

func (b *bytesource) byte() byte {
	if b.next >= len(b.data) {
		return 0
	}
	v := b.data[b.next]
	b.next++
	return v
}

// choose picks 0..n-1.
func (b *bytesource) choose(n int) int { return int(b.byte()) % n }

func (b *bytesource) flag() bool { return b.choose(2) == 1 }

func oneOf[T any](b *bytesource, options ...T) T { return options[b.choose(len(options))] }

// absent marks a field to leave out of an object.
type absentValue struct{}

var absent = absentValue{}

// set puts value at key unless it is absent.
func set(obj map[string]any, key string, value any) {
	if _, ok := value.(absentValue); !ok {
		obj[key] = value
	}
}

// propTenant is a valid Tenant: one the API server stores and the rules admit.
func (b *bytesource) propTenant(cfg *clusterconfig.ClusterConfig) map[string]any {
	name := oneOf(b, "shop", "billing-eu", "a", "argocd", "platform")
	spec := map[string]any{"environment": oneOf(b, "staging", "production")}
	set(spec, "arch", oneOf[any](b, absent, "", cfg.Arches[0], cfg.Arches[len(cfg.Arches)-1]))
	set(spec, "namespace", oneOf[any](b, absent, absent, "", "team-"+name))
	set(spec, "destination", oneOf[any](b, absent, "", "https://kubernetes.default.svc", "https://east.example.com"))
	if b.flag() {
		spec["airGapped"] = true
		mirror := oneOf[any](b, absent, "", "registry.example.com/mirror")
		if cfg.Defaults.RegistryMirror == "" && (mirror == absent || mirror == "") {
			mirror = "registry.example.com/mirror"
		}
		set(spec, "registryMirror", mirror)
	}
	if b.flag() {
		spec["cloud"], spec["region"] = "aws", "eu-west-1"
	}
	return map[string]any{
		"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant",
		"metadata": map[string]any{"name": name}, "spec": spec,
	}
}

// valuesAt puts a value at a dotted Helm value path, in one of the shapes
// users write: nothing, the path cut short by null or by a string, an empty
// object, the leaf null, empty or set.
func (b *bytesource) valuesAt(values map[string]any, path string, leaf func() any) {
	keys := strings.Split(path, ".")
	shape := b.choose(7)
	if shape == 0 {
		return
	}
	m := values
	for i, k := range keys[:len(keys)-1] {
		if shape == 1 && i == len(keys)-2 {
			m[k] = oneOf[any](b, nil, "x")
			return
		}
		next, ok := m[k].(map[string]any)
		if !ok {
			if _, taken := m[k]; taken {
				return
			}
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	last := keys[len(keys)-1]
	if _, taken := m[last]; taken {
		return
	}
	switch shape {
	case 2:
		m[last] = map[string]any{}
	case 3:
		m[last] = nil
	case 4:
		m[last] = ""
	default:
		m[last] = leaf()
	}
}

func (b *bytesource) propHelm(t map[string]any, cfg *clusterconfig.ClusterConfig) any {
	switch b.choose(8) {
	case 0:
		return absent
	case 1:
		return nil
	case 2:
		return map[string]any{}
	case 3:
		return map[string]any{"values": "replicas: 2\n"}
	}
	helm := map[string]any{}
	if b.choose(4) == 0 {
		helm["values"] = "replicas: 2\n"
	}
	if b.choose(4) == 0 {
		helm["valueFiles"] = []any{"values.yaml"}
	}
	switch b.choose(4) {
	case 0:
		return helm
	case 1:
		helm["valuesObject"] = nil
		return helm
	}
	values := map[string]any{}
	arch, _ := t["spec"].(map[string]any)["arch"].(string)
	b.valuesAt(values, cfg.ValuePaths.NodeSelector, func() any {
		return map[string]any{defaults.ArchLabel: oneOf[any](b, arch, cfg.Defaults.Arch, nil, "")}
	})
	b.valuesAt(values, cfg.ValuePaths.Tolerations, func() any { return []any{} })
	b.valuesAt(values, cfg.ValuePaths.ImageRegistry, func() any { return "registry.example.com" })
	helm["valuesObject"] = values
	return helm
}

func (b *bytesource) propSource(t map[string]any, env string, cfg *clusterconfig.ClusterConfig) map[string]any {
	src := map[string]any{"repoURL": "https://git.example.com/platform/tenants.git"}
	dir := cfg.Environments[env]
	switch b.choose(8) {
	case 3, 4: // a chart
		src["repoURL"] = "https://charts.example.com/stable"
		src["chart"] = "nginx"
		set(src, "targetRevision", oneOf[any](b, absent, "", nil, "1.2.3", 1.10))
		set(src, "helm", b.propHelm(t, cfg))
		return src
	case 5: // a ref source, lending its files to $ref value files
		src["ref"] = "values"
	case 6:
		src["path"] = dir + "/shop"
		src["kustomize"] = map[string]any{}
	case 7:
		src["path"] = dir + "/shop"
		src["directory"] = map[string]any{"recurse": true}
	default: // a git path, a Helm chart when nothing else says otherwise
		set(src, "path", oneOf[any](b, dir+"/shop", dir+"/shop", ""))
		set(src, "helm", b.propHelm(t, cfg))
	}
	// YAML reads an unquoted 1234567 or true as a number or a boolean.
	set(src, "targetRevision", oneOf[any](b, absent, absent, "", nil, "HEAD", cfg.TrackingRefs[0], 1234567, true))
	return src
}

// propApplication is an Application meant for tenant t, in any shape.
func (b *bytesource) propApplication(t map[string]any, cfg *clusterconfig.ClusterConfig) map[string]any {
	name, _ := t["metadata"].(map[string]any)["name"].(string)
	env, _ := t["spec"].(map[string]any)["environment"].(string)
	labels := map[string]any{}
	other := map[string]string{"staging": "production", "production": "staging"}[env]
	set(labels, tenantv1.TenantLabel, oneOf[any](b, absent, absent, "", name, "ghost"))
	set(labels, tenantv1.EnvironmentLabel, oneOf[any](b, absent, absent, "", env, other))
	meta := map[string]any{"name": "app", "namespace": "argocd"}
	if len(labels) > 0 {
		meta["labels"] = labels
	} else {
		set(meta, "labels", oneOf[any](b, absent, nil, map[string]any{}))
	}
	set(meta, "finalizers", oneOf[any](b, absent, nil, []any{}, []any{"example.com/cleanup"},
		[]any{defaults.ResourcesFinalizer}, []any{defaults.ResourcesFinalizer + "/foreground"}))

	spec := map[string]any{
		"project": cfg.TenantNaming.ProjectPrefix + name,
		"destination": map[string]any{
			"server":    "https://kubernetes.default.svc",
			"namespace": namespaceOf(t, cfg),
		},
		"syncPolicy": map[string]any{"automated": map[string]any{"selfHeal": true}},
	}
	switch b.choose(5) {
	case 0:
		spec["source"] = b.propSource(t, env, cfg)
	case 1:
		spec["sources"] = b.propSources(t, env, cfg)
	case 2:
		spec["sourceHydrator"] = b.propHydrator(t, env, cfg)
	case 3:
		spec["source"] = b.propSource(t, env, cfg)
		spec["sourceHydrator"] = b.propHydrator(t, env, cfg)
	case 4:
		spec["sources"] = b.propSources(t, env, cfg)
		spec["sourceHydrator"] = b.propHydrator(t, env, cfg)
	}
	return map[string]any{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": meta, "spec": spec}
}

func (b *bytesource) propSources(t map[string]any, env string, cfg *clusterconfig.ClusterConfig) []any {
	list := make([]any, 1+b.choose(3))
	for i := range list {
		list[i] = b.propSource(t, env, cfg)
	}
	return list
}

func (b *bytesource) propHydrator(t map[string]any, env string, cfg *clusterconfig.ClusterConfig) map[string]any {
	dry := map[string]any{"repoURL": "https://git.example.com/platform/tenants.git", "path": cfg.Environments[env] + "/shop"}
	set(dry, "targetRevision", oneOf[any](b, absent, "", cfg.TrackingRefs[0], 1234567))
	return map[string]any{"drySource": dry, "syncSource": map[string]any{"targetBranch": "environments/" + env}}
}

// namespaceOf is the namespace a Tenant owns.
func namespaceOf(t map[string]any, cfg *clusterconfig.ClusterConfig) string {
	spec, _ := t["spec"].(map[string]any)
	if ns, _ := spec["namespace"].(string); ns != "" {
		return ns
	}
	name, _ := t["metadata"].(map[string]any)["name"].(string)
	return cfg.TenantNamespace(name)
}

// asDecoded turns a generated object into the JSON map the webhook decodes.
func asDecoded(t *testing.T, obj map[string]any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(obj)
	require.NoError(t, err)
	out, err := decode.Object(raw, field.NewPath("object"))
	require.NoError(t, err)
	return out
}

// review reads a manifest as kube-apiserver's CREATE of it, checked as a request is.
func review(t *testing.T, p *pipeline.Pipeline, obj map[string]any) *decode.Review {
	t.Helper()
	r, err := decode.Manifest(obj, p.Config.Limits)
	require.NoError(t, err, "the generator built an object the webhook refuses: %s", toJSON(t, obj))
	require.NotNil(t, r)
	return r
}

// applyPatch applies the mutating webhook's answer to the original object as
// kube-apiserver does, with the JSON patch library it uses, and decodes the
// result as the webhook would.
func applyPatch(t *testing.T, original map[string]any, changes []defaults.Change, defaulted map[string]any) map[string]any {
	t.Helper()
	resp := respond.Patch(defaulted, changes)
	require.NoError(t, resp.Complete(admission.Request{}))
	if len(changes) == 0 {
		require.Empty(t, resp.Patch)
		return original
	}
	patch, err := jsonpatch.DecodePatch(resp.Patch)
	require.NoError(t, err)
	patchedRaw, err := patch.Apply([]byte(toJSON(t, original)))
	require.NoError(t, err, "patch %s", resp.Patch)
	patched, err := decode.Object(patchedRaw, field.NewPath("object"))
	require.NoError(t, err)
	return patched
}

// checkDefaults runs the mutating webhook's pipeline on obj twice, then on the
// object as patched and decoded again, then the validating webhook's on the
// result, and fails on a second pass that changes anything or on a finding
// about a field the defaults wrote.
func checkDefaults(t *testing.T, p *pipeline.Pipeline, cfgName string, obj map[string]any, context string) {
	t.Helper()
	ctx := t.Context()
	original := asDecoded(t, obj)
	before, err := p.Validate(ctx, review(t, p, asDecoded(t, obj)))
	require.NoError(t, err)

	r := review(t, p, asDecoded(t, obj))
	changes, err := p.Mutate(ctx, r)
	require.NoError(t, err)
	first := toJSON(t, r.Object)

	again, err := p.Mutate(ctx, r)
	require.NoError(t, err)
	if len(again) > 0 || toJSON(t, r.Object) != first {
		t.Fatalf("config %q: a second pass on the defaulted object changed %v\n%s\noriginal:  %s\ndefaulted: %s\nagain:     %s",
			cfgName, again, context, toJSON(t, original), first, toJSON(t, r.Object))
	}
	patched := applyPatch(t, original, changes, r.Object)
	require.JSONEq(t, first, toJSON(t, patched), "config %q: the patch does not turn the object into the defaulted one\n%s", cfgName, context)
	r2 := review(t, p, patched)
	again, err = p.Mutate(ctx, r2)
	require.NoError(t, err)
	if len(again) > 0 || toJSON(t, r2.Object) != first {
		t.Fatalf("config %q: a second pass on the patched object changed %v\n%s\noriginal:  %s\ndefaulted: %s",
			cfgName, again, context, toJSON(t, original), first)
	}

	findings, err := p.Validate(ctx, review(t, p, patched))
	require.NoError(t, err)
	for _, f := range findings {
		for _, c := range changes {
			if !pathWithin(f.Field, c.Field) {
				continue
			}
			t.Errorf("config %q: the defaults wrote %s = %s, and the defaulted object draws %s (%s) on %s: %s\n"+
				"before defaulting, %s\n%s\noriginal:  %s\ndefaulted: %s",
				cfgName, c.Field, toJSON(t, c.Value), f.Rule, f.Enforcement, f.Field, f.Message,
				drawnBefore(before, f), context, toJSON(t, original), first)
		}
	}
}

// drawnBefore says whether the object drew the same rule on the same field
// before it was defaulted.
func drawnBefore(before policy.Findings, f policy.Finding) string {
	for _, b := range before {
		if b.Rule == f.Rule && b.Field == f.Field {
			return "it drew the same finding: " + b.Message
		}
	}
	for _, b := range before {
		if b.Rule == f.Rule {
			return fmt.Sprintf("it drew %s on %s instead", b.Rule, b.Field)
		}
	}
	return "it did not draw " + f.Rule
}

// pathWithin reports whether the field path inner is outer or lies inside it.
// Paths are compared by segment: the defaults write Kubernetes field paths
// (metadata.labels[tenantguard.io/tenant]), the rules Rego-style ones
// (metadata.labels["tenantguard.io/tenant"]); both write value keys after dots.
func pathWithin(inner, outer string) bool {
	in, out := pathSegments(inner), pathSegments(outer)
	if len(out) == 0 || len(in) < len(out) {
		return false
	}
	for i := range out {
		if in[i] != out[i] {
			return false
		}
	}
	return true
}

func pathSegments(path string) []string {
	var segments []string
	var current strings.Builder
	flush := func() {
		if current.Len() > 0 {
			segments = append(segments, current.String())
			current.Reset()
		}
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '.':
			flush()
		case '[':
			flush()
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				current.WriteString(path[i:])
				i = len(path)
				continue
			}
			key := path[i+1 : i+end]
			if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
				key = key[1 : len(key)-1]
			}
			segments = append(segments, key)
			i += end
		default:
			current.WriteByte(c)
		}
	}
	flush()
	return segments
}

// FuzzDefaultsApplication checks both properties on an Application of any
// shape (single, multiple and hydrator sources; charts, git paths, ref,
// kustomize and directory sources; revisions absent, empty, null, set, or
// numbers and booleans as YAML reads them unquoted; labels absent, empty, set
// or naming another Tenant or environment; Helm values absent, cut short, empty
// or set at the config's value paths) for a valid Tenant found by label or
// namespace, with or without a second Tenant claiming the namespace, under each
// cluster config.
func FuzzDefaultsApplication(f *testing.F) {
	for _, seed := range []string{
		// A git source with no revision, of a staging Tenant found by namespace.
		"",
		// A chart with no version: the tracked revision is written as its version.
		"0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 3 0 0",
		// A production air-gapped Tenant, an empty helm block, image tag keys
		// beside the value paths.
		"6 0 1 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 2 0",
		// A labelled hydrator whose revision is empty, nested value paths.
		"4 0 0 2 0 1 0 0 0 0 3 1 3 2 1",
		// Two sources, Helm values cut short and set to null, an empty tenant
		// label, top-level value paths, every pool tainted.
		"3 2 1 0 0 0 1 1 0 1 0 2 3 1 1 1 0 0 4 0 0 3 1 2 5 1 1 5 6 0",
		// Sources and a hydrator of an air-gapped arm64 Tenant labelled by
		// name, another Tenant on its namespace, a pinned chart.
		"2 1 1 3 3 2 1 2 1 1 3 3 2 5 4 2 3 3 5 1 1 2 6 0 0 3 5 4 0 0 2 0 0",
	} {
		f.Add(choices(seed))
	}
	pipelines, err := propPipelines()
	require.NoError(f, err)

	f.Fuzz(func(t *testing.T, data []byte) {
		c := applicationCase(t, pipelines, data)
		checkDefaults(t, c.pipeline, c.config, c.object, c.context)
	})
}

// propCase is one object to default and validate, with its pipeline.
type propCase struct {
	config   string
	pipeline *pipeline.Pipeline
	object   map[string]any
	// context describes the Tenants the pipeline knows, for failure messages.
	context string
}

// applicationCase builds an Application case from the fuzzer's bytes.
func applicationCase(t *testing.T, pipelines []*pipeline.Pipeline, data []byte) propCase {
	b := &bytesource{data: data}
	ci := b.choose(len(propConfigs))
	cfg := pipelines[ci].Config
	tenant := b.propTenant(cfg)
	if b.flag() {
		// The Tenant as the mutating webhook stored it.
		defaults.Tenant(tenant, cfg)
	}
	tenants := []map[string]any{asDecoded(t, tenant)}
	context := "Tenant: " + toJSON(t, tenant)
	if b.choose(4) == 3 {
		// Another Tenant claims the same namespace: the Application is found
		// by its label alone.
		other := map[string]any{"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant",
			"metadata": map[string]any{"name": "squatter"},
			"spec":     map[string]any{"environment": "staging", "namespace": namespaceOf(tenant, cfg)}}
		tenants = append(tenants, asDecoded(t, other))
		context += "\nanother Tenant: " + toJSON(t, other)
	}
	app := b.propApplication(tenant, cfg)
	p := &pipeline.Pipeline{Config: cfg, Engine: pipelines[ci].Engine, Tenants: tenantlookup.NewIndex(tenants, cfg)}
	return propCase{config: propConfigs[ci].name, pipeline: p, object: app, context: context}
}

// FuzzDefaultsTenant checks both properties on a Tenant of any shape (names
// valid or not, spec fields absent, null, empty, set or of the wrong type,
// air-gapped or not), alone or with another Tenant already claiming the
// namespace it would get, under each cluster config.
func FuzzDefaultsTenant(f *testing.F) {
	for _, seed := range []string{
		// A staging Tenant with nothing but its environment.
		"",
		// The same, created after another Tenant claimed tenant-shop.
		"0 0 0 0 0 0 0 0 0 2",
		// A Tenant named default, where namespaces are named as their tenants.
		"5 2 0 0 0 0 0 0 0 0",
		// An explicit namespace another Tenant claims: nothing is written there.
		"0 0 0 4 0 0 0 0 0 2",
		// An invalid name, null fields, air-gapped with an empty mirror.
		"2 5 1 3 3 2 1 2 0 0",
		// Fields of the wrong types.
		"3 7 3 6 6 3 4 5 0 0",
		// A null spec, and no spec at all.
		"1 0 0 0 0 0 0 0 4 0",
		"4 1 1 4 4 3 2 4 3 1",
	} {
		f.Add(choices(seed))
	}
	pipelines, err := propPipelines()
	require.NoError(f, err)

	f.Fuzz(func(t *testing.T, data []byte) {
		c := tenantCase(t, pipelines, data)
		checkDefaults(t, c.pipeline, c.config, c.object, c.context)
	})
}

// tenantCase builds a Tenant case from the fuzzer's bytes.
func tenantCase(t *testing.T, pipelines []*pipeline.Pipeline, data []byte) propCase {
	b := &bytesource{data: data}
	ci := b.choose(len(propConfigs))
	cfg := pipelines[ci].Config
	name := oneOf[any](b, "shop", "billing-eu", "default", "argocd", "platform", "Bad_Name", "", 7)
	spec := map[string]any{}
	set(spec, "environment", oneOf[any](b, "staging", "production", absent, ""))
	set(spec, "namespace", oneOf[any](b, absent, absent, "", nil, "team-shop", "kube-system", 5))
	set(spec, "arch", oneOf[any](b, absent, absent, "", nil, "arm64", "riscv64", 64))
	set(spec, "destination", oneOf[any](b, absent, "", nil, "https://east.example.com"))
	set(spec, "airGapped", oneOf[any](b, absent, true, true, false, "true"))
	set(spec, "registryMirror", oneOf[any](b, absent, absent, "", nil, "registry.example.com/m", "HTTPS://Bad"))
	tenant := map[string]any{"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": map[string]any{"name": name}}
	set(tenant, "spec", oneOf[any](b, spec, spec, spec, absent, nil))

	var others []map[string]any
	context := "no other Tenant"
	if b.choose(3) == 2 {
		// Another Tenant already claims the namespace this one gets by default.
		claimed := cfg.TenantNamespace(fmt.Sprint(name))
		if ns, ok := spec["namespace"].(string); ok && ns != "" {
			claimed = ns
		}
		other := map[string]any{"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant",
			"metadata": map[string]any{"name": "squatter"},
			"spec":     map[string]any{"environment": "staging", "namespace": claimed}}
		others = append(others, asDecoded(t, other))
		context = "another Tenant: " + toJSON(t, other)
	}
	p := &pipeline.Pipeline{Config: cfg, Engine: pipelines[ci].Engine, Tenants: tenantlookup.NewIndex(others, cfg)}
	return propCase{config: propConfigs[ci].name, pipeline: p, object: tenant, context: context}
}
