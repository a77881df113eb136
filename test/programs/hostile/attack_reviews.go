package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tenantguard/tenantguard/test/support/reviews"
)

// atOnce is how soon a review must be answered to count as answered at
// once: well above what a review costs on a busy machine, well below the
// second a server waiting on its Tenant cache would add.
const atOnce = time.Second

// unknownTenantAttack sends Applications labelled with Tenants that do not
// exist, all at once: a server that waited for its cache to see each one
// would hold a slot per review, and a few hundred would stall every review
// behind them.
func unknownTenantAttack() *attack {
	return &attack{
		name:   "unknown-tenant",
		what:   "600 concurrent Applications labelled with a Tenant that does not exist, in rounds",
		expect: "each answered at once, without waiting for the Tenant",
		expected: func(class string) bool {
			return slices.Contains([]string{"allowed", "403", "400"}, class)
		},
		run: func(ctx context.Context, r *rig, t *tally) error {
			concurrency := r.o.scaled(600)
			client := r.ep.client(concurrency, reviewTimeout)
			defer client.CloseIdleConnections()
			until := time.Now().Add(r.o.holdTime())
			rounds := 0
			for ; rounds == 0 || (time.Now().Before(until) && ctx.Err() == nil); rounds++ {
				var wg sync.WaitGroup
				for i := range concurrency {
					wg.Add(1)
					go func() {
						defer wg.Done()
						ghost := fmt.Sprintf("ghost-%d-%d", rounds, i)
						app := reviews.Application(ghost, ghost, "staging", "HEAD", 10)
						body := reviews.ApplicationRequest(attackUID(rounds*concurrency+i), "CREATE", validUser, app, nil).Encode()
						began := time.Now()
						a := r.ep.post(ctx, client, bothPaths(i), body)
						took := time.Since(began)
						if took > atOnce {
							a.class = "over " + atOnce.String() + ": " + a.class
						}
						t.addAnswer(a, "", took)
					}()
				}
				wg.Wait()
			}
			t.note("%d rounds of %d concurrent reviews; over %s counts as not at once", rounds, concurrency, atOnce)
			return nil
		},
	}
}

// inconsistentAttack sends reviews whose parts disagree: a server that
// trusts one part (the request's kind, its namespace, the review's version)
// and reads another can be led to judge an object it does not understand,
// or to treat it as excluded. Each is pinned, so that judging it as an
// Application would deny it rather than refuse it as malformed.
func inconsistentAttack() *attack {
	variants := []struct {
		label string
		body  func(uid string) []byte
	}{
		{"kind Application, apiVersion evil.example.com/v1", func(uid string) []byte {
			app := pinnedApplication()
			app["apiVersion"] = "evil.example.com/v1"
			return reviews.ApplicationRequest(uid, "CREATE", validUser, app, nil).Encode()
		}},
		{"object in kube-system, request in argocd", func(uid string) []byte {
			app := pinnedApplication()
			req := reviews.ApplicationRequest(uid, "CREATE", validUser, app, nil)
			app["metadata"].(map[string]any)["namespace"] = "kube-system"
			return req.Encode()
		}},
		{"AdmissionReview admission.k8s.io/v1beta1", func(uid string) []byte {
			review := reviews.ApplicationRequest(uid, "CREATE", validUser, pinnedApplication(), nil).Review()
			review["apiVersion"] = "admission.k8s.io/v1beta1"
			return reviews.Encode(review)
		}},
	}
	return &attack{
		name:     "inconsistent",
		what:     "reviews whose kind and object apiVersion, object and request namespace, or AdmissionReview version disagree, 8 clients",
		expect:   "400 for each",
		expected: func(class string) bool { return strings.HasSuffix(class, ": 400") },
		run: func(ctx context.Context, r *rig, t *tally) error {
			n := r.o.scaled(1000)
			r.flood(ctx, 8, n*len(variants), time.Time{}, func(i int) shot {
				v := variants[i%len(variants)]
				return shot{path: bothPaths(i / len(variants)), label: v.label, body: v.body(attackUID(i))}
			}, t, "")
			t.note("%d of each of the %d kinds", n, len(variants))
			return nil
		},
	}
}

// pinnedApplication is attackApplication pinned to a commit.
func pinnedApplication() map[string]any {
	app := attackApplication("hostile-inconsistent")
	spec(app)["source"].(map[string]any)["targetRevision"] = pinnedRevision
	return app
}
