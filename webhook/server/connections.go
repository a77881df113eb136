package server

import (
	"cmp"
	"time"
)

// Connections bound what clients can hold open on each of tenantguard's ports:
// the webhooks, the metrics and the probes. Any pod can reach them, so each
// bound keeps a crowd of slow or idle clients from holding memory until the
// server runs out. The zero value of each field takes
// the default in its comment.
type Connections struct {
	// Max is the most connections open at once. A new connection past it
	// closes the oldest that has sent no request within SlowAfter, or else
	// the one idle the longest, for more than SlowAfter; while every one is
	// in the middle of a request or within SlowAfter, it waits in the
	// kernel's accept queue. Defaults to 1024.
	Max int
	// SlowAfter is how long a new connection may take to complete its TLS
	// handshake and send its first request's headers, and how long a
	// connection may idle between requests, before it may be closed to make
	// room once Max are open. Defaults to 1 second: kube-apiserver sends its
	// request as soon as it connects.
	SlowAfter time.Duration
	// ReadHeaderTimeout is the longest the TLS handshake and a request's
	// headers may take. Defaults to 5 seconds.
	ReadHeaderTimeout time.Duration
	// ReadTimeout is the longest a whole request, body included, may take to
	// arrive. Defaults to 10 seconds.
	ReadTimeout time.Duration
	// WriteTimeout is the longest from the end of a request's headers to the
	// end of its response. Defaults to 20 seconds, more than a review's deadline.
	WriteTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its next
	// request. Defaults to 60 seconds.
	IdleTimeout time.Duration
	// MaxHeaderBytes is the most bytes of request headers read. Defaults to 16 KiB.
	MaxHeaderBytes int
}

// DefaultConnections are the bounds used where Connections leaves a field zero.
func DefaultConnections() Connections {
	return Connections{
		Max:               1024,
		SlowAfter:         time.Second,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      20 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

// SetDefaults fills the fields left zero from DefaultConnections.
func (c *Connections) SetDefaults() {
	d := DefaultConnections()
	c.Max = cmp.Or(c.Max, d.Max)
	c.SlowAfter = cmp.Or(c.SlowAfter, d.SlowAfter)
	c.ReadHeaderTimeout = cmp.Or(c.ReadHeaderTimeout, d.ReadHeaderTimeout)
	c.ReadTimeout = cmp.Or(c.ReadTimeout, d.ReadTimeout)
	c.WriteTimeout = cmp.Or(c.WriteTimeout, d.WriteTimeout)
	c.IdleTimeout = cmp.Or(c.IdleTimeout, d.IdleTimeout)
	c.MaxHeaderBytes = cmp.Or(c.MaxHeaderBytes, d.MaxHeaderBytes)
}
