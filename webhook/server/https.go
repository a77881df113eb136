package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync/atomic"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
)

// httpsServer serves the webhooks over TLS within Connections. It implements
// controller-runtime's webhook.Server, whose default server has no body-read
// timeout and no bound on connections; the admission handling behind each
// path stays controller-runtime's.
type httpsServer struct {
	boundedServer
	certDir string
	tlsOpts []func(*tls.Config)
	mux     *http.ServeMux
	// watcher serves the certificate, once the server has loaded it.
	watcher atomic.Pointer[certwatcher.CertWatcher]
}

var _ webhook.Server = &httpsServer{}

// NewHTTPS is the webhook server of opts, to hand to the manager.
func NewHTTPS(opts Options, log logr.Logger) webhook.Server {
	mux := http.NewServeMux()
	s := &httpsServer{certDir: opts.CertDir, tlsOpts: tlsOptions(opts.EnableHTTP2), mux: mux}
	s.boundedServer = boundedServer{
		name: "webhooks", addr: net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port)),
		handler: mux, tlsConfig: s.tlsConfig, conns: opts.Connections, log: log,
	}
	return s
}

// Register serves hook at path.
func (s *httpsServer) Register(path string, hook http.Handler) { s.mux.Handle(path, hook) }

// WebhookMux is the mux the webhooks are registered on.
func (s *httpsServer) WebhookMux() *http.ServeMux { return s.mux }

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
	s.watcher.Store(watcher)
	cfg := &tls.Config{GetCertificate: watcher.GetCertificate}
	for _, opt := range s.tlsOpts {
		opt(cfg)
	}
	return cfg, nil
}

// StartedChecker is healthy while the server accepts connections with a
// certificate to serve. It opens no connection: a check that dialed the port
// would need a place among --max-connections, so a crowd of clients holding
// them would make every replica unready.
func (s *httpsServer) StartedChecker() healthz.Checker {
	return func(*http.Request) error {
		if !s.serving.Load() {
			return errors.New("the webhook server is not serving")
		}
		watcher := s.watcher.Load()
		if watcher == nil {
			return errors.New("the webhook server has no certificate yet")
		}
		if _, err := watcher.GetCertificate(nil); err != nil {
			return fmt.Errorf("the webhook server has no certificate: %w", err)
		}
		return nil
	}
}
