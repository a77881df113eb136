package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tenantguard/tenantguard/test/support/reviews"
	"github.com/tenantguard/tenantguard/webhook"
)

// The held-connection attacks cost the server nothing but a place among its
// connections: 1,100 keep-alive clients, more than --max-connections, each
// send one cheap request every 50 s and keep their connection open between
// them. A server whose connection cap only waits for a connection to close
// then serves nobody new: not kube-apiserver's next connection, not the
// kubelet's probes. Meanwhile fresh clients, one connection per request as a
// kubelet probes, are timed every 250 ms; each must be answered within
// freshWithin.

// freshWithin is how soon a fresh connection must be served.
const freshWithin = time.Second

func heldWebhookAttack() *attack {
	return &attack{
		name:     "held-webhook",
		what:     "1,100 TLS keep-alive clients of the webhook port, each posting a valid review every 50 s, while fresh clients are timed",
		expect:   "fresh reviews, /readyz and /healthz answered within 1 s: the longest idle connection makes room; held clients reconnect",
		expected: freshAnswered,
		run: func(ctx context.Context, r *rig, t *tally) error {
			body := reviews.ApplicationRequest("0000eeee-0000-4000-8000-000000000004", "CREATE", validUser, attackApplication("hostile-held"), nil).Encode()
			return r.holdConnections(ctx, t, func() *http.Client { return r.ep.client(1, reviewTimeout) },
				func(ctx context.Context, c *http.Client) answer { return r.ep.post(ctx, c, webhook.ValidatePath, body) })
		},
	}
}

func heldProbesAttack() *attack {
	return &attack{
		name:     "held-probes",
		what:     "1,100 keep-alive clients of the probe port, each getting /healthz every 50 s, while fresh clients are timed",
		expect:   "fresh reviews, /readyz and /healthz answered within 1 s",
		expected: freshAnswered,
		run: func(ctx context.Context, r *rig, t *tally) error {
			return r.holdConnections(ctx, t, func() *http.Client { return plainClient(true) },
				func(ctx context.Context, c *http.Client) answer { return probe(ctx, c, r.probeAddr(), "/healthz") })
		},
	}
}

// freshAnswered accepts whatever the held clients got, and for fresh
// clients only an answer within freshWithin.
func freshAnswered(class string) bool {
	if !strings.HasPrefix(class, "fresh") {
		return true
	}
	return !strings.Contains(class, "over ") && (strings.HasSuffix(class, ": allowed") || strings.HasSuffix(class, ": 200"))
}

// holdConnections runs the held clients, ramped at rampPerSecond, for two of
// their intervals and a few seconds more, and times fresh clients meanwhile.
func (r *rig) holdConnections(ctx context.Context, t *tally, client func() *http.Client, do func(context.Context, *http.Client) answer) error {
	n := min(r.o.scaled(1100), r.fdBudget)
	interval := max(time.Second, time.Duration(float64(50*time.Second)*r.o.scale))
	ctx, cancel := context.WithTimeout(ctx, 2*interval+5*time.Second)
	defer cancel()
	t.note("%d held clients, a request each every %s, for %s; fresh clients every 250 ms, over %s counts as not served", n, interval, 2*interval+5*time.Second, freshWithin)
	var wg sync.WaitGroup
	wg.Go(func() { r.timeFresh(ctx, t) })
	for i := range n {
		if i > 0 && i%(rampPerSecond/100) == 0 {
			time.Sleep(10 * time.Millisecond)
		}
		wg.Go(func() {
			c := client()
			defer c.CloseIdleConnections()
			for ctx.Err() == nil {
				began := time.Now()
				a := do(ctx, c)
				if ctx.Err() != nil {
					return
				}
				t.addAnswer(answer{class: "held: " + a.class, message: a.message}, "", time.Since(began))
				select {
				case <-ctx.Done():
				case <-time.After(interval):
				}
			}
		})
	}
	wg.Wait()
	return nil
}

// timeFresh sends, every 250 ms until ctx ends, a valid review on a new
// TLS connection and /readyz and /healthz on new connections, each timed.
func (r *rig) timeFresh(ctx context.Context, t *tally) {
	body := reviews.ApplicationRequest("0000eeee-0000-4000-8000-000000000005", "CREATE", validUser, attackApplication("hostile-fresh"), nil).Encode()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		var wg sync.WaitGroup
		fresh := func(label string, do func(context.Context) answer) {
			wg.Go(func() {
				began := time.Now()
				a := do(ctx)
				took := time.Since(began)
				if ctx.Err() != nil {
					return
				}
				if took > freshWithin {
					a.class = "over " + freshWithin.String() + ": " + a.class
				}
				t.addAnswer(answer{class: "fresh " + label + ": " + a.class, message: a.message}, "", took)
			})
		}
		fresh("review", func(ctx context.Context) answer {
			c := r.ep.client(1, reviewTimeout)
			c.Transport.(*http.Transport).DisableKeepAlives = true
			return r.ep.post(ctx, c, webhook.ValidatePath, body)
		})
		for _, path := range []string{"/readyz", "/healthz"} {
			fresh(path, func(ctx context.Context) answer { return probe(ctx, plainClient(false), r.probeAddr(), path) })
		}
		wg.Wait()
	}
}

// plainClient is an HTTP client of one connection, kept alive or not.
func plainClient(keepAlive bool) *http.Client {
	return &http.Client{Timeout: reviewTimeout, Transport: &http.Transport{
		MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, DisableKeepAlives: !keepAlive, IdleConnTimeout: 90 * time.Second,
	}}
}

// probe gets path from the probe port, classed by its status.
func probe(ctx context.Context, c *http.Client, addr, path string) answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return answer{class: "error", message: err.Error()}
	}
	resp, err := c.Do(req)
	if err != nil {
		return answer{class: errorClass(err), message: err.Error()}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return answer{class: fmt.Sprint(resp.StatusCode), message: shorten(string(data), 200), answered: true}
}
