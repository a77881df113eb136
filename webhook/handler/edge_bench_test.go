package handler_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/test/support/fieldshapes"
	"github.com/tenantguard/tenantguard/test/support/runstats"
	"github.com/tenantguard/tenantguard/webhook/handler"
)

// edgeShapes are Applications at the edge of every limit on what their
// fields may make the rules do: each is admitted by decoding, and costs the
// most a shape of its kind can. They are labelled for production, so that
// every rule reading values and paths runs.
func edgeShapes(l clusterconfig.Limits) map[string]map[string]any {
	chart := func(values string) map[string]any {
		return map[string]any{"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.0.0",
			"helm": map[string]any{"values": values}}
	}
	// the longest path admitted, all of it "a/../" to resolve, with room for Paths' number
	climbing := fieldshapes.ClimbingPath(l.MaxFieldBytes - len("values.yaml") - 8)
	rawURL := "https://git.example.com/platform/-/raw/" + strings.Repeat("a/../", 30) + "v"
	return map[string]map[string]any{
		// one text whose aliases expand to the node limit
		"values-aliases": {"sources": []any{chart(fieldshapes.AliasValues(0, (l.MaxValuesNodes-4)/3901-1))}},
		// lists nested to the depth limit, as many as the node limit holds: the walks' paths are longest
		"values-deep": {"sources": []any{chart(strings.Repeat(
			"- "+strings.Repeat("[", l.MaxValuesDepth-3)+strings.Repeat("]", l.MaxValuesDepth-3)+"\n", l.MaxValuesNodes/l.MaxValuesDepth-1))}},
		// a flat list of the node limit's scalars, whose JSON holds "tag" so that the image walk runs
		"values-flat": {"sources": []any{chart("tag: [" + strings.Repeat("1,", l.MaxValuesNodes-5) + "1]\n")}},
		// the path bytes filled with the longest climbing value files
		"value-files-climbing": {"sources": pathSources(l, "helm", "valueFiles", climbing)},
		// the path bytes filled with value files climbing 20 levels
		"value-files-parent": {"sources": pathSources(l, "helm", "valueFiles", fieldshapes.ParentPath(20))},
		// the path bytes filled with the shortest value files, as many as the sources may list
		"value-files-many": {"sources": pathSources(l, "helm", "valueFiles", "v")},
		// the path bytes filled with raw-file URLs into the source's repository, each
		// read every way its ref may end (up to 64 segments), each reading resolved:
		// the reads library's _max_url_segments bounds this shape
		"value-files-raw-urls": {"sources": pathSources(l, "helm", "valueFiles", rawURL)},
		// the path bytes filled with the longest climbing kustomize components
		"components-climbing": {"sources": pathSources(l, "kustomize", "components", climbing)},
	}
}

// pathSources are git sources listing copies of path in section.list,
// at most limits.maxPathEntries a source, until their paths (source paths
// included) reach limits.maxPathBytes or the sources limits.maxSources.
func pathSources(l clusterconfig.Limits, section, list, path string) []any {
	const sourcePath = "production/shop"
	var sources []any
	budget := l.MaxPathBytes
	for len(sources) < l.MaxSources && budget > len(sourcePath)+len(path)+8 {
		budget -= len(sourcePath)
		n := min(l.MaxPathEntries, budget/(len(path)+4))
		budget -= n * (len(path) + 4)
		sources = append(sources, map[string]any{"repoURL": "https://git.example.com/platform.git", "targetRevision": "HEAD",
			"path": sourcePath, section: map[string]any{list: fieldshapes.Paths(n, path)}})
	}
	return sources
}

// edgeRequest is the CREATE of a production Application with spec.
func edgeRequest(t testing.TB, spec map[string]any) admission.Request {
	obj, err := json.Marshal(map[string]any{
		"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
		"metadata": map[string]any{"name": "shop", "namespace": "argocd", "labels": map[string]any{"tenantguard.io/environment": "production"}},
		"spec":     spec,
	})
	require.NoError(t, err)
	req := admission.Request{}
	req.UID = "edge"
	req.Kind = metav1.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}
	req.Operation = admissionv1.Create
	req.Namespace, req.Name = "argocd", "shop"
	req.Object = runtime.RawExtension{Raw: obj}
	return req
}

// BenchmarkEdgeOfLimits is the cost ceiling of a review: each shape at the
// edge of the limits through the validating and the mutating handler, from
// the admission request to the answer. cpu-ms/op is the process's CPU
// time per review (the collector's included; ns/op is wall time and grows
// with the machine's load), B/op what
// a review allocates, live-MiB the most heap it holds at once; the ceiling
// these are held to is stated in docs/performance.md.
func BenchmarkEdgeOfLimits(b *testing.B) {
	st := state(b)
	for name, spec := range edgeShapes(clusterconfig.DefaultLimits()) {
		req := edgeRequest(b, spec)
		for hook, h := range map[string]admission.Handler{"validate": &handler.Validator{State: st}, "mutate": &handler.Mutator{State: st}} {
			b.Run(name+"/"+hook, func(b *testing.B) {
				serve := func() {
					if resp := h.Handle(b.Context(), req); resp.Result != nil && resp.Result.Code == 400 {
						b.Fatalf("the edge shape was refused: %s", resp.Result.Message)
					}
				}
				live := livePeak(serve)
				b.ReportAllocs()
				start := runstats.ProcessCPU()
				for b.Loop() {
					serve()
				}
				b.ReportMetric(float64((runstats.ProcessCPU()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(live)/(1<<20), "live-MiB")
			})
		}
	}
}
