package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// connPlan is a connection attack: n connections opened at rampPerSecond,
// each fed by feed until the server ends it or the attack ends, and judged
// by how it ended.
type connPlan struct {
	n int
	// handshake says whether connection i completes the TLS handshake before
	// its feed starts; the others feed the raw TCP connection.
	handshake func(i int) bool
	feed      func(ctx context.Context, i int, w io.Writer) error
	// limit is the longest the server should hold a handshaken connection
	// that never completes its request: its timeout and some slack for a
	// machine that is busy with the attack. Longer means no timeout fired.
	limit         time.Duration
	rampPerSecond int
}

// connection outcome classes; everything except heldTooLong is a refusal at
// the connection level, which is what a server under a connection attack
// should give.
const (
	notAccepted = "still waiting to be accepted at the end"
	rawOpenEnd  = "open at the end before any TLS (may still be queued)"
	openEnd     = "open at the end, within the timeout"
	heldTooLong = "held open past the timeout"
)

// connGauge counts this program's open attack connections and their peak.
type connGauge struct{ open, peak atomic.Int64 }

func (g *connGauge) inc() {
	n := g.open.Add(1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

func (g *connGauge) dec() { g.open.Add(-1) }

// run opens the plan's connections and waits until each has ended or ctx
// ends. Open connections are counted against the file-descriptor budget.
func (p *connPlan) run(ctx context.Context, r *rig, t *tally) {
	n := p.n
	if n > r.fdBudget {
		t.note("%d connections asked, %d opened: the file-descriptor budget of this process", n, r.fdBudget)
		n = r.fdBudget
	}
	var gauge connGauge
	fds := &fdPeak{}
	stopFDs := fds.watch(ctx)
	var wg sync.WaitGroup
	// Connections start in batches every 10 ms, rampPerSecond a second.
	batch := max(1, p.rampPerSecond/100)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		if i > 0 && i%batch == 0 {
			select {
			case <-ctx.Done():
			case <-tick.C:
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.one(ctx, r, i, t, &gauge)
		}()
	}
	wg.Wait()
	stopFDs()
	t.note("%d connections, at most %d open at once; this process held at most %d file descriptors", n, gauge.peak.Load(), fds.peak())
}

// one runs connection i and counts how it ended. The time counted is how
// long the server held a handshaken connection, from the end of the
// handshake: the server accepted it by then. A connection without a
// handshake may have spent any part of its life in the kernel's accept
// queue, so its time says nothing about the server and is not counted.
func (p *connPlan) one(ctx context.Context, r *rig, i int, t *tally, gauge *connGauge) {
	var dialer net.Dialer
	raw, err := dialer.DialContext(ctx, "tcp", r.ep.addr())
	if err != nil {
		if ctx.Err() != nil {
			t.add(notAccepted, "the TCP connect was still pending", noTime)
		} else {
			t.add("connect: "+errorClass(err), err.Error(), noTime)
		}
		return
	}
	gauge.inc()
	defer gauge.dec()
	defer raw.Close()
	// Closing the socket when the attack ends unblocks the handshake, the
	// feed and the reader at once.
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	conn, handshaken := net.Conn(raw), p.handshake(i)
	if handshaken {
		tc := tls.Client(raw, r.ep.tls.Clone())
		if err := tc.HandshakeContext(ctx); err != nil {
			if ctx.Err() != nil {
				t.add(notAccepted, "the TLS handshake was still pending", noTime)
			} else {
				t.add("closed by server during the handshake", err.Error(), noTime)
			}
			return
		}
		conn = tc
	}
	connected := time.Now()
	connCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	ended := make(chan answer, 1)
	go func() { ended <- readEnd(conn, handshaken) }()
	go func() { _ = p.feed(connCtx, i, conn) }()
	select {
	case a := <-ended:
		if ctx.Err() == nil {
			held := time.Since(connected)
			if !handshaken {
				held = noTime
			}
			t.add(a.class, a.message, held)
			return
		}
	case <-ctx.Done():
	}
	held := time.Since(connected)
	switch {
	case !handshaken:
		t.add(rawOpenEnd, "", noTime)
	case held > p.limit:
		t.add(heldTooLong, fmt.Sprintf("held %s, limit %s", held.Round(time.Millisecond), p.limit), held)
	default:
		t.add(openEnd, "", held)
	}
}

// readEnd waits for the server to end the connection: an HTTP answer when
// the connection speaks HTTP over TLS, else any byte, or the close.
func readEnd(conn net.Conn, speaksHTTP bool) answer {
	if speaksHTTP {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return closedBy(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, answerLimit))
		a := reviewAnswer(resp.StatusCode, body)
		a.class = "answered " + a.class
		return a
	}
	var b [1]byte
	if _, err := conn.Read(b[:]); err != nil {
		return closedBy(err)
	}
	return answer{class: "server sent data before the handshake ended"}
}

// closedBy names how the server ended a connection without answering.
func closedBy(err error) answer {
	switch class := errorClass(err); class {
	case "closed":
		return answer{class: "closed by server", message: err.Error()}
	case "reset":
		return answer{class: "reset by server", message: err.Error()}
	default:
		return answer{class: "read: " + class, message: err.Error()}
	}
}

// trickle writes data one byte per interval, until it is all written, a
// write fails or ctx ends; then it waits for ctx, never finishing on its own.
func trickle(ctx context.Context, w io.Writer, data []byte, interval time.Duration) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for _, b := range data {
		if _, err := w.Write([]byte{b}); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	<-ctx.Done()
	return ctx.Err()
}

// fdPeak follows how many file descriptors this process holds, to report
// that the attack stayed within the budget.
type fdPeak struct{ max atomic.Int64 }

// watch counts every half second until the returned function is called.
func (f *fdPeak) watch(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			f.max.Store(max(f.max.Load(), int64(countFDs(os.Getpid()))))
			select {
			case <-ctx.Done():
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	}()
	return func() { cancel(); <-done }
}

func (f *fdPeak) peak() int64 { return f.max.Load() }
