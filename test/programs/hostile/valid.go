package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenantguard/tenantguard/test/support/reviews"
	"github.com/tenantguard/tenantguard/webhook"
)

// The valid stream's Applications are made by a person in a staging
// tenant, the case the rules allow unless the revision is pinned.
const (
	validUser      = "alice@example.com"
	pinnedRevision = "3f1c9a0"
	pinnedRule     = "[app-pinned-revision]"
)

// validStream is the traffic a real cluster keeps sending while an attacker
// is at work: Application reviews on keep-alive connections, each distinct,
// whose verdicts are known. An attack that starves, misjudges or disconnects
// them shows here, apart from what the attack's own requests got.
type validStream struct {
	ep       *endpoint
	clients  int
	interval time.Duration
	tenants  []string
	seq      atomic.Int64

	mu  sync.Mutex
	cur *validWindow
}

// validWindow is what the stream saw between two calls of window.
type validWindow struct {
	sent, failed, wrong int
	// latencies are those of the requests that got an HTTP answer.
	latencies []time.Duration
	// reasons counts failed and wrong reviews by reason, with one example each.
	reasons  map[string]int
	examples map[string]string
}

func newValidStream(ep *endpoint, clients int, rate float64, tenants []string) *validStream {
	return &validStream{
		ep: ep, clients: clients, tenants: tenants,
		interval: time.Duration(float64(clients) / rate * float64(time.Second)),
		cur:      newValidWindow(),
	}
}

func newValidWindow() *validWindow {
	return &validWindow{reasons: map[string]int{}, examples: map[string]string{}}
}

// run keeps every client sending, one request per interval each, until ctx
// ends. A client that falls behind sends at once rather than in a burst, so
// a stalled server is not hit by a backlog when it recovers.
func (v *validStream) run(ctx context.Context) {
	var wg sync.WaitGroup
	for c := range v.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := v.ep.client(1, reviewTimeout)
			next := time.Now().Add(time.Duration(c) * v.interval / time.Duration(v.clients))
			for ctx.Err() == nil {
				if wait := time.Until(next); wait > 0 {
					select {
					case <-ctx.Done():
						return
					case <-time.After(wait):
					}
				}
				if next = next.Add(v.interval); next.Before(time.Now()) {
					next = time.Now()
				}
				v.send(ctx, client)
			}
		}()
	}
	wg.Wait()
}

// validCase is one of the four kinds of valid review the stream rotates
// through, and the verdict it must get.
type validCase struct {
	path   string
	pinned bool
}

var validCases = []validCase{
	{webhook.ValidatePath, false}, {webhook.ValidatePath, true},
	{webhook.MutatePath, false}, {webhook.MutatePath, true},
}

// denied is whether tenantguard must refuse c: only the validating webhook
// refuses; the mutating one fills in defaults and leaves verdicts to it.
func (c validCase) denied() bool { return c.pinned && c.path == webhook.ValidatePath }

// send posts the next review and records what it got.
func (v *validStream) send(ctx context.Context, client *http.Client) {
	i := v.seq.Add(1)
	c := validCases[i%int64(len(validCases))]
	tenant := v.tenants[int(i/int64(len(validCases)))%len(v.tenants)]
	revision := "HEAD"
	if c.pinned {
		revision = pinnedRevision
	}
	uid := fmt.Sprintf("0000dddd-0000-4000-8000-%012d", i)
	app := reviews.Application(fmt.Sprintf("%s-v%d", tenant, i), tenant, "staging", revision, 10)
	body := reviews.ApplicationRequest(uid, "CREATE", validUser, app, nil).Encode()
	began := time.Now()
	a := v.ep.post(ctx, client, c.path, body)
	took := time.Since(began)
	if ctx.Err() != nil {
		return // the run is ending; the request was cut short by this program
	}
	failed, reason := judgeValid(a, uid, c)
	v.mu.Lock()
	defer v.mu.Unlock()
	w := v.cur
	w.sent++
	if a.answered {
		w.latencies = append(w.latencies, took)
	}
	if reason == "" {
		return
	}
	if failed {
		w.failed++
	} else {
		w.wrong++
	}
	key := c.path + " " + reason
	if w.reasons[key]++; w.reasons[key] == 1 {
		w.examples[key] = shorten(a.message, 200)
	}
}

// judgeValid returns why a is not the answer c must get, or "" when it is.
// failed is true when the server did not judge the review (a transport
// error, a saturated or failed server): an attack may slow valid reviews
// down, so that is reported but is not a wrong answer.
func judgeValid(a answer, uid string, c validCase) (failed bool, reason string) {
	r := a.review
	switch {
	case !a.answered:
		return true, "transport: " + a.class
	case r == nil:
		return false, a.class
	case !r.Allowed && r.Result != nil && (r.Result.Code == 503 || r.Result.Code == 500):
		// kube-apiserver fails a review whose answer has another UID; for
		// a refusal that changes only the message its client sees.
		if string(r.UID) != uid {
			return true, a.class + " without the request's UID"
		}
		return true, a.class
	case string(r.UID) != uid:
		return false, fmt.Sprintf("answered UID %q", r.UID)
	case c.denied() && r.Allowed:
		return false, "allowed a pinned revision"
	case c.denied() && (a.class != "403" || !strings.Contains(a.message, pinnedRule)):
		return false, "denied with " + a.class + " without " + pinnedRule
	case !c.denied() && !r.Allowed:
		return false, "refused (" + a.class + ") what must be allowed"
	}
	return false, ""
}

// window returns what the stream saw since the last call and starts anew.
func (v *validStream) window() *validWindow {
	v.mu.Lock()
	defer v.mu.Unlock()
	w := v.cur
	v.cur = newValidWindow()
	return w
}
