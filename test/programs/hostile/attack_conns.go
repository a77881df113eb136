package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/tenantguard/tenantguard/webhook"
)

// The connection attacks hold connections rather than send bad requests:
// each connection costs the server a goroutine, buffers and TLS state until
// it lets go, so the server must bound how many it holds (--max-connections)
// and how long each may take (--read-header-timeout, --read-timeout).
// Refusals at the connection level are the expected outcome; a connection
// the server holds past its timeout is not.

// rampPerSecond is how fast the connection attacks open connections: fast
// enough that thousands are open at once, slow enough that the kernel's
// SYN queue is not what refuses them.
const rampPerSecond = 2500

func slowlorisAttack() *attack {
	return &attack{
		name:     "slowloris",
		what:     "12,500 connections sending headers one byte a second; half complete the TLS handshake first, half trickle their ClientHello",
		expect:   "at most --max-connections held, the rest queued by the kernel; each closed after --read-header-timeout",
		expected: func(class string) bool { return class != heldTooLong },
		run: func(ctx context.Context, r *rig, t *tally) error {
			hello, err := clientHello(r.ep.tls)
			if err != nil {
				return err
			}
			headers := []byte(requestHead(webhook.ValidatePath, -1) + "X-Slow: " + strings.Repeat("a", 4096))
			timeout := r.flagDuration("read-header-timeout", 5*time.Second)
			plan := &connPlan{
				n:         r.o.scaled(12500),
				handshake: func(i int) bool { return i%2 == 0 },
				feed: func(ctx context.Context, i int, w io.Writer) error {
					if i%2 == 0 {
						return trickle(ctx, w, headers, time.Second)
					}
					return trickle(ctx, w, hello, time.Second)
				},
				limit: withSlack(timeout), rampPerSecond: rampPerSecond,
			}
			t.note("read-header-timeout %s; a handshaken connection held past %s counts as %q", timeout, plan.limit, heldTooLong)
			plan.run(ctx, r, t)
			return nil
		},
	}
}

func slowBodyAttack() *attack {
	return &attack{
		name:     "slow-body",
		what:     "10,500 connections sending full headers declaring a 1 MiB body, then a body byte every 10 s",
		expect:   "at most --max-connections held; each ended after --read-timeout",
		expected: func(class string) bool { return class != heldTooLong },
		run: func(ctx context.Context, r *rig, t *tally) error {
			const size = 1 << 20
			head := []byte(requestHead(webhook.ValidatePath, size))
			body := append([]byte("{"), bytes.Repeat([]byte(" "), size-1)...)
			timeout := r.flagDuration("read-timeout", 10*time.Second)
			plan := &connPlan{
				n:         r.o.scaled(10500),
				handshake: func(int) bool { return true },
				feed: func(ctx context.Context, _ int, w io.Writer) error {
					if _, err := w.Write(head); err != nil {
						return err
					}
					return trickle(ctx, w, body, 10*time.Second)
				},
				limit: withSlack(timeout), rampPerSecond: rampPerSecond,
			}
			t.note("read-timeout %s; a connection held past %s counts as %q", timeout, plan.limit, heldTooLong)
			plan.run(ctx, r, t)
			return nil
		},
	}
}

func bigBodyAttack() *attack {
	return &attack{
		name:     "big-body",
		what:     "100 connections declaring a body of 7 MiB - 1 bytes, sending all of it but the last byte",
		expect:   "413 at once: the declared length is over limits.maxReviewBytes",
		expected: only("answered 413"),
		run: func(ctx context.Context, r *rig, t *tally) error {
			const size = 7<<20 - 1
			head := []byte(requestHead(webhook.ValidatePath, size))
			chunk := bytes.Repeat([]byte("a"), 64<<10)
			timeout := r.flagDuration("read-timeout", 10*time.Second)
			plan := &connPlan{
				n:         r.o.scaled(100),
				handshake: func(int) bool { return true },
				feed: func(ctx context.Context, _ int, w io.Writer) error {
					if _, err := w.Write(head); err != nil {
						return err
					}
					if err := writeN(w, chunk, size-1); err != nil {
						return err
					}
					<-ctx.Done() // never the last byte
					return ctx.Err()
				},
				limit: withSlack(timeout), rampPerSecond: rampPerSecond,
			}
			plan.run(ctx, r, t)
			return nil
		},
	}
}

// requestHead is the request line and headers of a POST to path over
// HTTP/1.1; with a length of 0 or more it ends the headers with that
// Content-Length, else it leaves them open.
func requestHead(path string, length int) string {
	head := "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
	if length < 0 {
		return head
	}
	return head + fmt.Sprintf("Content-Length: %d\r\n\r\n", length)
}

// writeN writes n bytes from chunk, repeated.
func writeN(w io.Writer, chunk []byte, n int) error {
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// withSlack is a server timeout plus the delay a busy two-core machine may
// add before the server's timer fires and its close reaches this program.
func withSlack(timeout time.Duration) time.Duration {
	return timeout + max(5*time.Second, timeout/2)
}

// flagDuration is the default of the server's duration flag name, or
// fallback when the server has no such flag: the run then shows what the
// server does without it, against the value the flag is meant to have.
func (r *rig) flagDuration(name string, fallback time.Duration) time.Duration {
	if d, err := time.ParseDuration(r.flags[name]); err == nil && d > 0 {
		return d
	}
	return fallback
}

// clientHello returns the first TLS record a client with cfg sends: a
// genuine ClientHello, to be trickled so that the server's handshake waits
// on it.
func clientHello(cfg *tls.Config) ([]byte, error) {
	client, capture := net.Pipe()
	defer capture.Close()
	go func() {
		_ = tls.Client(client, cfg.Clone()).Handshake() // fails once capture closes
		client.Close()
	}()
	_ = capture.SetReadDeadline(time.Now().Add(5 * time.Second))
	header := make([]byte, 5)
	if _, err := io.ReadFull(capture, header); err != nil {
		return nil, fmt.Errorf("capturing a ClientHello: %w", err)
	}
	record := make([]byte, int(header[3])<<8|int(header[4]))
	if _, err := io.ReadFull(capture, record); err != nil {
		return nil, fmt.Errorf("capturing a ClientHello: %w", err)
	}
	return append(header, record...), nil
}
