package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"

	"github.com/tenantguard/tenantguard/metrics"
)

// boundedServer serves one port within Connections, over TLS when tlsConfig
// is set. It runs in the manager on every replica, until the manager stops.
type boundedServer struct {
	name      string
	addr      string
	handler   http.Handler
	tlsConfig func(context.Context) (*tls.Config, error)
	conns     Connections
	log       logr.Logger
	// serving is true while the server accepts connections.
	serving atomic.Bool
}

// NeedLeaderElection is false: every replica serves.
func (s *boundedServer) NeedLeaderElection() bool { return false }

// Start serves until ctx ends, then lets requests in flight finish.
func (s *boundedServer) Start(ctx context.Context) error {
	listener, pool, err := s.listen(ctx)
	if err != nil {
		return err
	}
	srv := &http.Server{
		ConnState:         pool.track,
		Handler:           s.handler,
		ReadHeaderTimeout: s.conns.ReadHeaderTimeout,
		ReadTimeout:       s.conns.ReadTimeout,
		WriteTimeout:      s.conns.WriteTimeout,
		IdleTimeout:       s.conns.IdleTimeout,
		MaxHeaderBytes:    s.conns.MaxHeaderBytes,
		// Failed handshakes and timeouts are what hostile clients cause; they
		// are logged at debug level so that a flood of them cannot flood the log.
		ErrorLog: log.New(debugWriter{s.log.V(1)}, "", 0),
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			s.log.Error(err, "shutting down", "server", s.name)
		}
	}()
	s.log.Info("serving", "server", s.name, "address", s.addr, "maxConnections", s.conns.Max)
	s.serving.Store(true)
	err = srv.Serve(listener)
	s.serving.Store(false)
	if !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-stopped
	return nil
}

// listen opens the port within the connection pool, which applies before
// the TLS handshake: a handshake costs memory of its own.
func (s *boundedServer) listen(ctx context.Context) (net.Listener, *pool, error) {
	var cfg *tls.Config
	if s.tlsConfig != nil {
		var err error
		if cfg, err = s.tlsConfig(ctx); err != nil {
			return nil, nil, err
		}
	}
	listener, err := net.Listen("tcp", s.addr)
	if err != nil {
		return nil, nil, err
	}
	conns := newPool(listener, s.conns.Max, s.conns.SlowAfter, metrics.ConnectionsShed.WithLabelValues(s.name).Inc)
	if cfg != nil {
		return tls.NewListener(conns, cfg), conns, nil
	}
	return conns, conns, nil
}

// debugWriter writes the HTTP server's error log lines at debug level.
type debugWriter struct{ log logr.Logger }

func (w debugWriter) Write(line []byte) (int, error) {
	w.log.Info(string(line))
	return len(line), nil
}
