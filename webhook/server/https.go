package server

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/net/netutil"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
)

// Connections bound what clients can hold open on the webhook's port. Any pod
// can reach it, so each bound keeps a crowd of slow or idle clients from
// holding memory until the server runs out. The zero value of each field takes
// the default in its comment.
type Connections struct {
	// Max is the most connections open at once; more wait in the kernel's
	// accept queue until one closes. Defaults to 1024.
	Max int
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
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      20 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

func (c *Connections) setDefaults() {
	d := DefaultConnections()
	c.Max = cmp.Or(c.Max, d.Max)
	c.ReadHeaderTimeout = cmp.Or(c.ReadHeaderTimeout, d.ReadHeaderTimeout)
	c.ReadTimeout = cmp.Or(c.ReadTimeout, d.ReadTimeout)
	c.WriteTimeout = cmp.Or(c.WriteTimeout, d.WriteTimeout)
	c.IdleTimeout = cmp.Or(c.IdleTimeout, d.IdleTimeout)
	c.MaxHeaderBytes = cmp.Or(c.MaxHeaderBytes, d.MaxHeaderBytes)
}

// httpsServer serves the webhooks over TLS within Connections. It implements
// controller-runtime's webhook.Server, whose default server has no body-read
// timeout and no bound on connections; the admission handling behind each
// path stays controller-runtime's.
type httpsServer struct {
	addr    string
	certDir string
	tlsOpts []func(*tls.Config)
	conns   Connections
	log     logr.Logger
	mux     *http.ServeMux
	started atomic.Bool
}

var _ webhook.Server = &httpsServer{}

func newHTTPSServer(opts Options, log logr.Logger) *httpsServer {
	conns := opts.Connections
	conns.setDefaults()
	return &httpsServer{
		addr:    net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port)),
		certDir: opts.CertDir,
		tlsOpts: tlsOptions(opts.EnableHTTP2),
		conns:   conns,
		log:     log,
		mux:     http.NewServeMux(),
	}
}

// NeedLeaderElection is false: every replica serves the webhooks.
func (s *httpsServer) NeedLeaderElection() bool { return false }

// Register serves hook at path.
func (s *httpsServer) Register(path string, hook http.Handler) { s.mux.Handle(path, hook) }

// WebhookMux is the mux the webhooks are registered on.
func (s *httpsServer) WebhookMux() *http.ServeMux { return s.mux }

// Start serves until ctx ends, then lets reviews in flight finish.
func (s *httpsServer) Start(ctx context.Context) error {
	cfg, err := s.tlsConfig(ctx)
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	// The bound applies before the handshake, which costs memory of its own.
	listener = tls.NewListener(netutil.LimitListener(listener, s.conns.Max), cfg)
	srv := &http.Server{
		Handler:           s.mux,
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
			s.log.Error(err, "shutting down the webhook server")
		}
	}()
	s.log.Info("serving webhooks", "address", s.addr, "maxConnections", s.conns.Max)
	s.started.Store(true)
	if err := srv.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-stopped
	return nil
}

// tlsConfig serves the certificate in certDir, reloaded when it changes.
func (s *httpsServer) tlsConfig(ctx context.Context) (*tls.Config, error) {
	watcher, err := certwatcher.New(filepath.Join(s.certDir, "tls.crt"), filepath.Join(s.certDir, "tls.key"))
	if err != nil {
		return nil, fmt.Errorf("loading the serving certificate: %w", err)
	}
	go func() {
		if err := watcher.Start(ctx); err != nil {
			s.log.Error(err, "watching the serving certificate")
		}
	}()
	cfg := &tls.Config{GetCertificate: watcher.GetCertificate}
	for _, opt := range s.tlsOpts {
		opt(cfg)
	}
	return cfg, nil
}

// StartedChecker is healthy once the server accepts TLS connections.
func (s *httpsServer) StartedChecker() healthz.Checker {
	return func(*http.Request) error {
		if !s.started.Load() {
			return errors.New("the webhook server has not started yet")
		}
		dialer := &net.Dialer{Timeout: 10 * time.Second}
		conn, err := tls.DialWithDialer(dialer, "tcp", s.addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // only checks that TLS is served
		if err != nil {
			return fmt.Errorf("the webhook server is not reachable: %w", err)
		}
		return conn.Close()
	}
}

// debugWriter writes the HTTP server's error log lines at debug level.
type debugWriter struct{ log logr.Logger }

func (w debugWriter) Write(line []byte) (int, error) {
	w.log.Info(string(line))
	return len(line), nil
}
