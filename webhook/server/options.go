package server

import "crypto/tls"

// Options configure the HTTPS server and the ports beside it. The process
// that assembles them writes their defaults.
type Options struct {
	// Host is the address the webhook listens on; empty for all interfaces.
	Host string
	// Port is the webhook's HTTPS port.
	Port int
	// CertDir holds tls.crt and tls.key, reloaded when they change.
	CertDir string
	// MetricsAddr is the metrics endpoint's address; "0" turns it off.
	MetricsAddr string
	// ProbeAddr is the address of /healthz and /readyz; "0" turns them off.
	ProbeAddr string
	// ProfileAddr serves Go's profiles (net/http/pprof); off when empty or "0".
	ProfileAddr string
	// EnableHTTP2 serves HTTP/2 as well as HTTP/1.1.
	EnableHTTP2 bool
	// Connections bound the connections clients hold on every port.
	Connections Connections
}

// tlsOptions require TLS 1.2 or newer and, unless enabled, leave HTTP/2 out of ALPN.
func tlsOptions(enableHTTP2 bool) []func(*tls.Config) {
	return []func(*tls.Config){func(c *tls.Config) {
		c.MinVersion = tls.VersionTLS12
		if !enableHTTP2 {
			c.NextProtos = []string{"http/1.1"}
		}
	}}
}
