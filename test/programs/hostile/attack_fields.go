package main

import (
	"context"
	"fmt"

	"github.com/tenantguard/tenantguard/test/support/fieldshapes"
	"github.com/tenantguard/tenantguard/test/support/reviews"
)

// The field attacks send Applications whose fields cost far more to read
// than their bytes: Helm values text whose aliases expand, values nested
// thousands of levels, paths that climb and descend, and thousands of paths.
// Each must be refused at once by decoding, naming the limit, before the
// rules parse or resolve anything.

// fieldAttack is an attack repeating one Application review from clients,
// refused with 400 naming limit.
func fieldAttack(name, what, limit string, clients int, body func() []byte) *attack {
	return &attack{
		name: name, what: fmt.Sprintf("%s, %d clients", what, clients),
		expect:   "400 at once naming " + limit,
		expected: only("400 naming " + limit),
		run: func(ctx context.Context, r *rig, t *tally) error {
			return repeatBody(ctx, r, t, body(), clients, limit)
		},
	}
}

func fieldAttacks() []*attack {
	return []*attack{
		fieldAttack("values-aliases-8", "an Application of 8 chart sources, each helm.values 9 KB of anchors and aliases expanding to 374,000 nodes (77 KB)",
			"limits.maxValuesNodes", 8, func() []byte { return aliasValuesBody(8) }),
		fieldAttack("values-aliases-64", "the same with 64 sources (611 KB)",
			"limits.maxValuesBytes", 8, func() []byte { return aliasValuesBody(64) }),
		fieldAttack("values-nested", "helm.values of 9,000 nested flow lists (18 KB)",
			"limits.maxValuesDepth", 8, func() []byte { return sourcesBody("hostile-nested", 1, chartValues(fieldshapes.NestedLists(9000))) }),
		fieldAttack("value-file-climbing", `one value file of "a/../" repeated 200,000 times (1 MB)`,
			"limits.maxFieldBytes", 4, func() []byte {
				return sourcesBody("hostile-climbing", 1, gitList("helm", "valueFiles", []any{fieldshapes.ClimbingPath(1 << 20)}))
			}),
		fieldAttack("value-files-many", `64 sources of 300 value files each, "../" 20 times`,
			"limits.maxPathEntries", 4, func() []byte {
				return sourcesBody("hostile-files", 64, gitList("helm", "valueFiles", fieldshapes.Paths(300, fieldshapes.ParentPath(20))))
			}),
		fieldAttack("components-many", "64 sources of 300 kustomize components each",
			"limits.maxPathEntries", 4, func() []byte {
				return sourcesBody("hostile-components", 64, gitList("kustomize", "components", fieldshapes.Paths(300, "../components/c")))
			}),
	}
}

// aliasValuesBody is an Application review of n chart sources, each with
// its own helm.values whose aliases expand to 374,000 nodes.
func aliasValuesBody(n int) []byte {
	return sourcesBodyFunc("hostile-aliases", n, func(i int) map[string]any {
		return chartValues(fieldshapes.AliasValues(i, 95))
	})
}

// sourcesBody is an Application review listing n copies of source.
func sourcesBody(name string, n int, source map[string]any) []byte {
	return sourcesBodyFunc(name, n, func(int) map[string]any { return source })
}

func sourcesBodyFunc(name string, n int, source func(i int) map[string]any) []byte {
	app := attackApplication(name)
	delete(spec(app), "source")
	sources := make([]any, n)
	for i := range sources {
		sources[i] = source(i)
	}
	spec(app)["sources"] = sources
	return reviews.ApplicationRequest("0000eeee-0000-4000-8000-000000000021", "CREATE", validUser, app, nil).Encode()
}

// chartValues is a chart source with helm.values text.
func chartValues(values string) map[string]any {
	return map[string]any{"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.0.0",
		"helm": map[string]any{"values": values}}
}

// gitList is a git source of the attack's Tenant listing entries in section.list.
func gitList(section, list string, entries []any) map[string]any {
	return map[string]any{"repoURL": "https://git.example.com/platform/tenants.git", "targetRevision": "HEAD",
		"path": "staging/" + attackTenant, section: map[string]any{list: entries}}
}
