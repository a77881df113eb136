package main

import (
	"context"
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

// repeatBody posts body to both webhooks from clients keep-alive clients for
// the hold time.
func repeatBody(ctx context.Context, r *rig, t *tally, body []byte, clients int, mention string) error {
	t.note("body %d bytes, %d clients for %s", len(body), clients, r.o.holdTime())
	r.flood(ctx, clients, 0, time.Now().Add(r.o.holdTime()), func(i int) shot {
		return shot{path: bothPaths(i), body: body}
	}, t, mention)
	return nil
}
