package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenantguard/tenantguard/webhook"
)

// attack is one hostile input or hostile client, run alone while the valid
// stream flows.
type attack struct {
	name string
	// what says what the attack sends, and expect what a hardened server
	// does with it, for the report.
	what, expect string
	// expected accepts the outcome classes a hardened server gives.
	expected func(class string) bool
	run      func(ctx context.Context, r *rig, t *tally) error
}

// attacks are all the attacks, in the order they run: request bodies first,
// then connections, which leave the server's accept queue busiest, then the
// metrics and the reviews that reach the Tenant lookup and the decoder.
func attacks() []*attack {
	list := []*attack{yamlAliasAttack(), deepNestingAttack(), manySourcesAttack(), denseValuesAttack()}
	list = append(list, fieldAttacks()...)
	return append(list,
		slowlorisAttack(), slowBodyAttack(), bigBodyAttack(), heldWebhookAttack(), heldProbesAttack(),
		metricsAttack(), unknownTenantAttack(), inconsistentAttack(),
	)
}

func attackNames() []string {
	var names []string
	for _, a := range attacks() {
		names = append(names, a.name)
	}
	return names
}

// connectionAttacks are what -attacks connections names.
var connectionAttacks = []string{"slowloris", "slow-body", "big-body", "held-webhook", "held-probes"}

// selectAttacks returns the attacks -attacks names, in the run order.
func selectAttacks(list string) ([]*attack, error) {
	want := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		switch name = strings.TrimSpace(name); name {
		case "", "all":
			for _, n := range attackNames() {
				want[n] = true
			}
		case "connections":
			for _, n := range connectionAttacks {
				want[n] = true
			}
		default:
			if !slices.Contains(attackNames(), name) {
				return nil, fmt.Errorf("unknown attack %q; the attacks are %s", name, strings.Join(attackNames(), ", "))
			}
			want[name] = true
		}
	}
	var selected []*attack
	for _, a := range attacks() {
		if want[a.name] {
			selected = append(selected, a)
		}
	}
	return selected, nil
}

// rig is what an attack works with.
type rig struct {
	o  options
	ep *endpoint
	// flags are the server's flags and their defaults, from serve -h.
	flags map[string]string
	// fdBudget is how many connections an attack may hold open at once
	// without running this process out of file descriptors.
	fdBudget int
	// metricsURL is the current server's metrics endpoint.
	metricsURL func() string
	// probeAddr is the current server's probe address (/healthz, /readyz).
	probeAddr func() string
}

// shot is one request of a flood: where it goes, its body, and a prefix for
// its outcome class when an attack sends several kinds of request.
type shot struct {
	path, label string
	body        []byte
}

// flood has clients workers, each on its own keep-alive connection, post
// the shots next returns for indexes 0, 1, 2, ... until n were sent (n <= 0:
// no bound), until passes (zero: no bound) or ctx ends. Answers are counted
// in t; see tally.addAnswer for mention.
func (r *rig) flood(ctx context.Context, clients, n int, until time.Time, next func(i int) shot, t *tally, mention string) {
	if !until.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, until)
		defer cancel()
	}
	var index atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := r.ep.client(1, reviewTimeout)
			defer client.CloseIdleConnections()
			for ctx.Err() == nil {
				i := int(index.Add(1) - 1)
				if n > 0 && i >= n {
					return
				}
				s := next(i)
				began := time.Now()
				a := r.ep.post(ctx, client, s.path, s.body)
				if ctx.Err() != nil && !a.answered {
					return // cut short by the end of the attack, not by the server
				}
				if s.label != "" {
					a.class = s.label + ": " + a.class
				}
				t.addAnswer(a, mention, time.Since(began))
			}
		}()
	}
	wg.Wait()
}

// bothPaths alternates between the two webhooks, which read bodies alike.
func bothPaths(i int) string {
	if i%2 == 0 {
		return webhook.ValidatePath
	}
	return webhook.MutatePath
}

// only accepts exactly the given classes.
func only(classes ...string) func(string) bool {
	return func(class string) bool { return slices.Contains(classes, class) }
}
