package cluster

import (
	"context"
	"crypto/tls"
	"net"
	"strconv"

	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	tgwebhook "github.com/tenantguard/tenantguard/webhook"
)

// StartDoNothingWebhook runs a controller-runtime webhook server that allows
// everything at tenantguard's paths, on the same TLS setup: what the HTTP,
// TLS, JSON and AdmissionReview plumbing costs alone, without tenantguard's
// decoding, Tenant lookup, defaults and Rego. The performance programs
// measure tenantguard against it.
func StartDoNothingWebhook(ctx context.Context, host string, port int, certDir string) (<-chan error, error) {
	hooks := webhook.NewServer(webhook.Options{
		Host: host, Port: port, CertDir: certDir,
		// The same TLS options as tenantguard's server: HTTP/1.1 only, TLS 1.2+.
		TLSOpts: []func(*tls.Config){func(c *tls.Config) {
			c.MinVersion = tls.VersionTLS12
			c.NextProtos = []string{"http/1.1"}
		}},
	})
	allow := admission.HandlerFunc(func(context.Context, admission.Request) admission.Response {
		return admission.Allowed("")
	})
	hooks.Register(tgwebhook.ValidatePath, &admission.Webhook{Handler: allow})
	hooks.Register(tgwebhook.MutatePath, &admission.Webhook{Handler: allow})
	done := make(chan error, 1)
	go func() { done <- hooks.Start(ctx) }()
	return done, WaitForTLS(net.JoinHostPort(host, strconv.Itoa(port)), done)
}
