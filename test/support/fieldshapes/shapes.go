// Package fieldshapes builds the hostile contents of an Application's fields
// that cost more to read than their bytes: Helm values text whose aliases
// expand, values nested deep, paths that climb and descend, and long lists of
// paths. The decoder's tests, the hostile program, the end-to-end suite and
// the cost benchmark build their attacks from the same shapes.
package fieldshapes

import (
	"fmt"
	"strings"
)

// AliasValues is Helm values text of about 9 KB, distinct for each seed,
// that expands to about 400,000 YAML nodes: an anchored list of anchored
// small maps and a list that names it refs times (95 in the attack found).
func AliasValues(seed, refs int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed%d: &base [", seed)
	for i := range 1300 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("{a: 1}")
	}
	b.WriteString("]\nrefs: [")
	for i := range refs {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("*base")
	}
	b.WriteString("]\n")
	return b.String()
}

// AliasNodes is what AliasValues(seed, refs) expands to, in YAML nodes.
func AliasNodes(refs int) int {
	list := 1 + 1300*3       // the list and each map of one key and one value
	return 4 + list*(refs+1) // the map, its two keys and the refs list
}

// NestedLists is Helm values text of depth nested flow lists: "a: [[[...]]]".
func NestedLists(depth int) string {
	return "a: " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n"
}

// ClimbingPath is a value file path of about n bytes that climbs and
// descends ("a/../") again and again before naming the file.
func ClimbingPath(n int) string {
	return strings.Repeat("a/../", n/5) + "values.yaml"
}

// ParentPath is a value file path that climbs up times ("../") from
// staging, and comes back down into it.
func ParentPath(up int) string {
	return "staging/" + strings.Repeat("x/", up) + strings.Repeat("../", up) + "values.yaml"
}

// Paths is a list of n paths, each path with a number after it: distinct,
// so that the rules cannot reuse what they resolved for another.
func Paths(n int, path string) []any {
	list := make([]any, n)
	for i := range list {
		list[i] = fmt.Sprintf("%s%d", path, i)
	}
	return list
}
