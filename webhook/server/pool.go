package server

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// pool is a listener that holds at most max connections open. When a new
// connection arrives and max are open, it makes room by closing the oldest
// connection that has not sent a request's headers within grace, or else the
// one that has waited longest between requests (idle keep-alive), if longer
// than grace; only while every connection is in the middle of a request, or
// within its grace, does the new one wait. A crowd of clients that each connect and then say little or nothing
// therefore cannot keep kube-apiserver's next connection out: it is served
// at the expense of the idlest connection, whose client opens another
// (Go's HTTP client, kube-apiserver's, retries a request on an idle
// connection the server closed).
//
// The server tells the pool each connection's state through its ConnState
// hook (track). The pool accepts a connection before it knows whether there
// is room, so it holds at most max+1: the one waiting for room blocks the
// accept loop, and further connections wait in the kernel's accept queue.
type pool struct {
	net.Listener
	max   int
	grace time.Duration

	mu    sync.Mutex
	conns map[*pooledConn]struct{}
	// room is signalled when a connection closes or turns idle.
	room   chan struct{}
	closed chan struct{}
	once   sync.Once
	shed   atomic.Int64
	// onShed is called for each connection closed to make room.
	onShed func()
}

func newPool(l net.Listener, maxConns int, grace time.Duration, onShed func()) *pool {
	return &pool{Listener: l, max: maxConns, grace: grace, conns: map[*pooledConn]struct{}{},
		room: make(chan struct{}, 1), closed: make(chan struct{}), onShed: onShed}
}

// pooledConn is a connection of the pool, with its state as the server last
// reported it and since when.
type pooledConn struct {
	net.Conn
	pool  *pool
	state http.ConnState
	since time.Time
	once  sync.Once
	// reads counts the reads that returned bytes, and readsThen how many
	// had when the state was reported: an idle connection that has read
	// since holds the start of its next request, and is not closed.
	reads, readsThen int64
}

// Read counts the reads that returned bytes.
func (c *pooledConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		atomic.AddInt64(&c.reads, 1)
	}
	return n, err
}

// Close closes the connection and gives its place back, once.
func (c *pooledConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.pool.remove(c) })
	return err
}

// Accept waits for a connection, then for room for it.
func (p *pool) Accept() (net.Conn, error) {
	conn, err := p.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := &pooledConn{Conn: conn, pool: p, state: http.StateNew, since: time.Now()}
	if err := p.admit(c); err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

// Close stops the listener and any Accept waiting for room.
func (p *pool) Close() error {
	p.once.Do(func() { close(p.closed) })
	return p.Listener.Close()
}

// admit adds c once there is room, closing a connection to make it.
func (p *pool) admit(c *pooledConn) error {
	for {
		p.mu.Lock()
		if len(p.conns) < p.max {
			p.conns[c] = struct{}{}
			p.mu.Unlock()
			return nil
		}
		victim := p.victim(time.Now())
		p.mu.Unlock()
		if victim != nil {
			p.shed.Add(1)
			p.onShed()
			victim.Close()
			continue
		}
		// A connection may turn idle, close, or outlast its grace.
		select {
		case <-p.room:
		case <-time.After(min(p.grace/4, 100*time.Millisecond)):
		case <-p.closed:
			return net.ErrClosed
		}
	}
}

// victim is the connection to close for a new one, or nil: the oldest that
// has not sent a request within grace, else the one idle the longest, if for
// longer than grace. A connection idle for less is a busy client's between
// two requests (the kubelet's, kube-apiserver's): closing it would send that
// client to the back of the accept queue, behind whoever is flooding it.
// p.mu is held.
func (p *pool) victim(now time.Time) *pooledConn {
	var idle, slow *pooledConn
	for c := range p.conns {
		if now.Sub(c.since) <= p.grace {
			continue
		}
		switch {
		case c.state == http.StateNew && (slow == nil || c.since.Before(slow.since)):
			slow = c
		case c.state == http.StateIdle && atomic.LoadInt64(&c.reads) == c.readsThen && (idle == nil || c.since.Before(idle.since)):
			idle = c
		}
	}
	if slow != nil {
		return slow
	}
	return idle
}

func (p *pool) remove(c *pooledConn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	p.signal()
}

func (p *pool) signal() {
	select {
	case p.room <- struct{}{}:
	default:
	}
}

// track is the server's ConnState hook: it records each connection's state,
// which decides whether it may be closed to make room.
func (p *pool) track(conn net.Conn, state http.ConnState) {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	c, ok := conn.(*pooledConn)
	if !ok {
		return
	}
	p.mu.Lock()
	c.state, c.since, c.readsThen = state, time.Now(), atomic.LoadInt64(&c.reads)
	p.mu.Unlock()
	if state == http.StateIdle {
		p.signal()
	}
}

// open is how many connections the pool holds.
func (p *pool) open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}
