package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// metricsAttack sends reviews whose kind and operation a client chose: a
// server that copies request values into metric labels grows a series per
// value, which every scrape then carries, until /metrics is larger than a
// Prometheus will take and the process is out of memory.
func metricsAttack() *attack {
	return &attack{
		name:     "metrics",
		what:     "20,000 reviews with distinct kind and operation values, malformed ones among them, then 190 with 1 MB kind and operation values",
		expect:   "400 for each; /metrics stays small, its kind and operation labels in fixed sets",
		expected: only("400"),
		run: func(ctx context.Context, r *rig, t *tally) error {
			distinct := r.o.scaled(20000)
			r.flood(ctx, 8, distinct, time.Time{}, func(i int) shot {
				kind, op := distinctKindOperation(i)
				return shot{path: bothPaths(i), body: withKindAndOperation(attackUID(i), kind, op)}
			}, t, "")
			huge := r.o.scaled(190)
			r.flood(ctx, 4, huge, time.Time{}, func(i int) shot {
				pad := strings.Repeat("x", 1<<20-16)
				return shot{path: bothPaths(i), body: withKindAndOperation(attackUID(distinct+i),
					fmt.Sprintf("K%07d", i)+pad, fmt.Sprintf("O%07d", i)+pad)}
			}, t, "")
			t.note("%d distinct kind/operation pairs, then %d with 1 MB values", distinct, huge)
			return nil
		},
	}
}

// malformedValues are kind and operation values no Kubernetes client
// sends: empty, control characters, what would break the text exposition
// format if written unescaped, not UTF-8 (encoding/json turns the lone byte
// into U+FFFD), and the right word in the wrong case.
var malformedValues = []string{
	"", " ", "\x00", "\n", `"`, `\`, `a"} 1` + "\n" + `evil_metric 1`, "\xff", "Ä", "create", "application", "CREATE ", "Application\t",
}

// distinctKindOperation is the i-th kind and operation: every tenth uses a
// malformed value, the others a fresh word, so no pair repeats.
func distinctKindOperation(i int) (kind, operation string) {
	kind, operation = fmt.Sprintf("Kind%06d", i), fmt.Sprintf("OP%06d", i)
	if i%10 == 0 {
		bad := malformedValues[(i/10)%len(malformedValues)]
		kind, operation = bad+kind, operation+bad
	}
	return kind, operation
}

// attackUID is a distinct request UID for attack request i.
func attackUID(i int) string {
	return fmt.Sprintf("0000ffff-0000-4000-8000-%012d", i)
}
