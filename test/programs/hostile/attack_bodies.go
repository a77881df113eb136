package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The body attacks repeat one hostile body from several clients for the
// hold time: each must be refused at once, and many in flight at the same
// time must not add up to more memory than the server has.

func yamlAliasAttack() *attack {
	return &attack{
		name:     "yaml-alias",
		what:     "a 267 KB YAML document of nested aliases sent as application/json, 8 clients",
		expect:   "400 at once: a body that is not a JSON object is refused before any decoding",
		expected: only("400"),
		run: func(ctx context.Context, r *rig, t *tally) error {
			return repeatBody(ctx, r, t, yamlAliasBody(), 8, "")
		},
	}
}

func deepNestingAttack() *attack {
	return &attack{
		name:     "deep-nesting",
		what:     "an Application whose helm.valuesObject nests 9,990 levels (about 60 KB), 8 clients",
		expect:   "400 naming limits.maxDepth",
		expected: only("400 naming limits.maxDepth"),
		run: func(ctx context.Context, r *rig, t *tally) error {
			// 9,990 levels keep the whole review within the 10,000 that
			// encoding/json itself accepts, so that the refusal has to come
			// from tenantguard's own limit, not from the decoder giving up.
			return repeatBody(ctx, r, t, deepBody(9990), 8, "limits.maxDepth")
		},
	}
}

func manySourcesAttack() *attack {
	return &attack{
		name:     "many-sources",
		what:     "an Application with 25,000 sources, each pinned, 2 clients",
		expect:   "400 naming limits.maxSources",
		expected: only("400 naming limits.maxSources"),
		run: func(ctx context.Context, r *rig, t *tally) error {
			return repeatBody(ctx, r, t, manySourcesBody(25000), 2, "limits.maxSources")
		},
	}
}

// denseValuesAttack sends reviews of empty objects, which cost the decoders
// a few hundred bytes per 3 bytes sent: at the review size limit, and as many
// as limits.maxNodes admits, each from 8 and then 12 clients.
func denseValuesAttack() *attack {
	const atLimit = 499000 // empty objects; with the review around them, just under limits.maxNodes
	return &attack{
		name: "dense-values",
		what: "Applications whose helm.valuesObject is a list of empty objects: 4 MiB (1.4 million objects), " +
			"then 1.5 MB (499,000, within limits.maxNodes), each from 8 then 12 clients",
		expect: "400 naming limits.maxNodes for 4 MiB; within the limit, judged (allowed) or 503 while the memory budget is full",
		expected: func(class string) bool {
			if strings.HasPrefix(class, "4 MiB") {
				return strings.HasSuffix(class, ": 400 naming limits.maxNodes")
			}
			return strings.HasSuffix(class, ": allowed") || strings.HasSuffix(class, ": 503")
		},
		run: func(ctx context.Context, r *rig, t *tally) error {
			phases := []struct {
				label string
				body  []byte
			}{{"4 MiB", denseBodyOf(4<<20 - 64)}, {"1.5 MB", denseBody(atLimit)}}
			hold := max(2*time.Second, r.o.holdTime()/2)
			for _, p := range phases {
				for _, clients := range []int{8, 12} {
					label := fmt.Sprintf("%s ×%d", p.label, clients)
					t.note("%s: body %d bytes, %d clients for %s", label, len(p.body), clients, hold)
					r.flood(ctx, clients, 0, time.Now().Add(hold), func(i int) shot {
						return shot{path: bothPaths(i), label: label, body: p.body}
					}, t, "limits.maxNodes")
				}
			}
			return nil
		},
	}
}

// repeatBody posts body to both webhooks from clients keep-alive clients for
// the hold time.
func repeatBody(ctx context.Context, r *rig, t *tally, body []byte, clients int, mention string) error {
	t.note("body %d bytes, %d clients for %s", len(body), clients, r.o.holdTime())
	r.flood(ctx, clients, 0, time.Now().Add(r.o.holdTime()), func(i int) shot {
		return shot{path: bothPaths(i), body: body}
	}, t, mention)
	return nil
}
