package decode_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/test/support/fieldshapes"
)

// withSources is an Application whose spec.sources are the given sources.
func withSources(sources ...map[string]any) string {
	raw, _ := json.Marshal(map[string]any{"sources": sources})
	return app(string(raw))
}

// chartWith is a chart source with the given helm section.
func chartWith(helm map[string]any) map[string]any {
	return map[string]any{"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.0.0", "helm": helm}
}

// gitWith is a git source with the given section (helm or kustomize).
func gitWith(section string, content map[string]any) map[string]any {
	return map[string]any{"repoURL": "https://git.example.com/platform.git", "path": "staging/shop", section: content}
}

func aliasSources(n int) []map[string]any {
	var sources []map[string]any
	for i := range n {
		sources = append(sources, chartWith(map[string]any{"values": fieldshapes.AliasValues(i, 95)}))
	}
	return sources
}

func TestRequestRefusesHelmValuesTextPastItsLimitsNamingThem(t *testing.T) {
	tests := map[string]struct {
		object string
		want   string
	}{
		"aliases expanding to 370,000 nodes in one of 8 sources": {
			object: withSources(aliasSources(8)...),
			want:   "spec.sources[0].helm.values: Invalid value: \"seed0: &base",
		},
		"aliases in 64 sources, 611 KB of text": {
			object: withSources(aliasSources(64)...),
			want:   "spec.sources[27].helm.values: Invalid value: 9694: the Helm values text of the Application's sources must total at most 262144 bytes, not 271422 so far (limits.maxValuesBytes)",
		},
		"9,000 nested flow lists": {
			object: withSources(chartWith(map[string]any{"values": fieldshapes.NestedLists(9000)})),
			want:   "spec.sources[0].helm.values: Invalid value: \"a: [[[[",
		},
		"an alias standing deeper than the depth limit": {
			object: withSources(chartWith(map[string]any{"values": "a: &a " + strings.Repeat("[", 60) + strings.Repeat("]", 60) +
				"\nb: " + strings.Repeat("[", 60) + "*a" + strings.Repeat("]", 60) + "\n"})),
			want: "must nest at most 100 levels deep, aliases expanded (limits.maxValuesDepth)",
		},
		"nodes split between two sources": {
			object: withSources(
				chartWith(map[string]any{"values": "a: [" + strings.Repeat("1,", 12000) + "1]\n"}),
				chartWith(map[string]any{"values": "b: [" + strings.Repeat("1,", 12000) + "1]\n"})),
			want: "spec.sources[1].helm.values: Invalid value",
		},
		"text that is not YAML": {
			object: withSources(chartWith(map[string]any{"values": "a: [unclosed"})),
			want:   "spec.sources[0].helm.values: Invalid value: \"a: [unclosed\": must be valid YAML",
		},
		"an alias inside its own anchor": {
			object: withSources(chartWith(map[string]any{"values": "a: &a [1, *a]\n"})),
			want:   "spec.sources[0].helm.values: Invalid value",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := decode.Request(appRequest(admissionv1.Create, tt.object, ""), clusterconfig.DefaultLimits())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Less(t, len(err.Error()), 1200, "the message stays short whatever the text")
		})
	}
}

func TestRefusalOfAliasesNamesTheNodeLimit(t *testing.T) {
	_, err := decode.Request(appRequest(admissionv1.Create, withSources(aliasSources(1)...), ""), clusterconfig.DefaultLimits())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "must hold at most 20000 YAML nodes together, aliases counted as what they expand to (limits.maxValuesNodes)")
}

func TestRequestAdmitsHelmValuesTextWithinItsLimits(t *testing.T) {
	limits := clusterconfig.DefaultLimits()
	tests := map[string]string{
		"aliases expanding to just under the node limit": fieldshapes.AliasValues(0, (limits.MaxValuesNodes-4)/3901-1),
		"lists nested to just under the depth limit":     fieldshapes.NestedLists(limits.MaxValuesDepth - 2),
		"an empty text":  "",
		"only a comment": "# nothing set\n",
		"two documents, the second not read by Helm": "a: 1\n---\nb: 2\n",
		"a merge key": "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
	}
	for name, values := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := decode.Request(appRequest(admissionv1.Create, withSources(chartWith(map[string]any{"values": values})), ""), limits)
			assert.NoError(t, err)
		})
	}
}

func TestNodeLimitCountsEveryAliasAsItsExpansion(t *testing.T) {
	refs := 10
	limits := clusterconfig.DefaultLimits()
	limits.MaxValuesNodes = fieldshapes.AliasNodes(refs)
	object := withSources(chartWith(map[string]any{"values": fieldshapes.AliasValues(0, refs)}))

	_, err := decode.Request(appRequest(admissionv1.Create, object, ""), limits)
	require.NoError(t, err, "exactly at the limit")

	limits.MaxValuesNodes--
	_, err = decode.Request(appRequest(admissionv1.Create, object, ""), limits)
	require.Error(t, err, "one node past it")
}

func TestRequestRefusesPathListsPastTheirLimitsNamingThem(t *testing.T) {
	tests := map[string]struct {
		object string
		want   string
	}{
		"a 1 MB value file climbing and descending": {
			object: withSources(gitWith("helm", map[string]any{"valueFiles": []any{fieldshapes.ClimbingPath(1 << 20)}})),
			want:   "spec.sources[0].helm.valueFiles[0]: Invalid value: \"a/../a/../",
		},
		"paths totalling more than 16 KiB": {
			object: withSources(gitWith("helm", map[string]any{"valueFiles": fieldshapes.Paths(5, fieldshapes.ClimbingPath(4000))})),
			want:   "spec.sources[0].helm.valueFiles[4]: Invalid value: \"a/../a/../",
		},
		"300 value files": {
			object: withSources(gitWith("helm", map[string]any{"valueFiles": fieldshapes.Paths(300, fieldshapes.ParentPath(20))})),
			want:   "spec.sources[0].helm.valueFiles: Invalid value: 300: must list at most 64 entries (limits.maxPathEntries)",
		},
		"300 kustomize components": {
			object: withSources(gitWith("kustomize", map[string]any{"components": fieldshapes.Paths(300, "../components/x")})),
			want:   "spec.sources[0].kustomize.components: Invalid value: 300: must list at most 64 entries (limits.maxPathEntries)",
		},
		"a file parameter's long path": {
			object: withSources(gitWith("helm", map[string]any{"fileParameters": []any{map[string]any{"name": "x", "path": strings.Repeat("a/", 3000)}}})),
			want:   "spec.sources[0].helm.fileParameters[0].path: Invalid value",
		},
		"a long hydrator sync path": {
			object: app(`{"sourceHydrator":{"drySource":{"repoURL":"r"},"syncSource":{"targetBranch":"b","path":"` + strings.Repeat("a/../", 1000) + `"}}}`),
			want:   "spec.sourceHydrator.syncSource.path: Invalid value",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := decode.Request(appRequest(admissionv1.Create, tt.object, ""), clusterconfig.DefaultLimits())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Less(t, len(err.Error()), 1200)
		})
	}
}

func TestRequestAdmitsPathListsAtTheirLimits(t *testing.T) {
	limits := clusterconfig.DefaultLimits()
	object := withSources(gitWith("helm", map[string]any{
		"valueFiles": fieldshapes.Paths(limits.MaxPathEntries, strings.Repeat("a", limits.MaxPathBytes/limits.MaxPathEntries-len("staging/shop")/limits.MaxPathEntries-3)),
	}))
	_, err := decode.Request(appRequest(admissionv1.Create, object, ""), limits)
	assert.NoError(t, err)
}

// FuzzHelmValuesTextIsRefusedOrAdmitted feeds the values check any text: it refuses or
// admits, within its limits, and never panics.
func FuzzHelmValuesTextIsRefusedOrAdmitted(f *testing.F) {
	for _, seed := range []string{"a: 1", "a: &x [1]\nb: *x", "a: &a [*a]", "[[[[", "<<: *x", "a: !!binary aGk=", "---\n---\n", fieldshapes.AliasValues(0, 3)} {
		f.Add(seed)
	}
	limits := clusterconfig.DefaultLimits()
	limits.MaxValuesNodes = 1000
	f.Fuzz(func(t *testing.T, values string) {
		object := withSources(chartWith(map[string]any{"values": values}))
		_, _ = decode.Request(appRequest(admissionv1.Create, object, ""), limits)
	})
}
