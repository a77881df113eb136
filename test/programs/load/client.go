package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// target is one webhook server and a keep-alive HTTP/1.1 client for it, set up
// as kube-apiserver calls a webhook: TLS verified against the CA bundle, one
// connection per concurrent call, reused between calls.
type target struct {
	name string
	addr string
	http *http.Client
	// strict holds the target to tenantguard's verdicts; the baseline allows
	// everything and is held only to status, envelope and UID.
	strict bool

	hs handshakes
	// generation is bumped after a certificate rotation; each worker then
	// closes its connection once, so that every connection from then on was
	// handshaken with the certificate being served.
	generation atomic.Int64
}

func newTarget(name, addr string, tlsConfig *tls.Config, concurrency int, strict bool) *target {
	t := &target{name: name, addr: addr, strict: strict}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	transport := &http.Transport{
		// The TLS dial is ours so that every handshake's certificate is
		// recorded, along with whether it began after the rotation was seen.
		DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			rotated := t.hs.rotatedTo()
			raw, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			conn := tls.Client(raw, tlsConfig.Clone())
			if err := conn.HandshakeContext(ctx); err != nil {
				raw.Close()
				return nil, err
			}
			t.hs.record(conn.ConnectionState().PeerCertificates[0].SerialNumber, rotated)
			return conn, nil
		},
		MaxIdleConns:        concurrency,
		MaxIdleConnsPerHost: concurrency,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	// kube-apiserver's default webhook timeout.
	t.http = &http.Client{Transport: transport, Timeout: 10 * time.Second}
	return t
}

// handshakes counts TLS handshakes, and after a rotation those that presented
// a certificate other than the new one.
type handshakes struct {
	mu                sync.Mutex
	total             int
	rotated           *big.Int
	afterRotation     int
	staleAfterRotated int
}

func (h *handshakes) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

func (h *handshakes) rotatedTo() *big.Int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rotated
}

func (h *handshakes) setRotated(serial *big.Int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rotated = serial
}

// record counts a handshake; rotated is the new serial if the rotation had
// been seen before the handshake began, else nil.
func (h *handshakes) record(serial, rotated *big.Int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.total++
	if rotated != nil {
		h.afterRotation++
		if serial.Cmp(rotated) != 0 {
			h.staleAfterRotated++
		}
	}
}

// post sends one review and decodes the answer. reconnect closes the
// connection after the answer, so that the worker's next call handshakes anew.
func (t *target) post(ctx context.Context, r request, reconnect bool) (*admissionv1.AdmissionReview, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+t.addr+r.path, bytes.NewReader(r.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Close = reconnect
	resp, err := t.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, shorten(string(body)))
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil {
		return nil, fmt.Errorf("body is not an AdmissionReview: %w: %s", err, shorten(string(body)))
	}
	return &review, nil
}

// check returns why the answer is wrong for r, or "" when it is right.
func (t *target) check(review *admissionv1.AdmissionReview, r request) (reason, detail string) {
	resp := review.Response
	switch {
	case resp == nil:
		return "no response", "the AdmissionReview carries no response"
	case string(resp.UID) != r.uid:
		return "UID mismatch", fmt.Sprintf("answered UID %q", resp.UID)
	}
	message := ""
	if resp.Result != nil {
		message = fmt.Sprintf("code %d: %s", resp.Result.Code, resp.Result.Message)
	}
	denied := r.denied && t.strict
	switch {
	case denied && resp.Allowed:
		return "allowed, want denied", "allowed " + message
	case !denied && !resp.Allowed:
		return "denied, want allowed", shorten(message)
	case denied && !strings.Contains(message, r.message):
		return "denied without " + r.message, shorten(message)
	}
	return "", ""
}

func shorten(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// probe sends one request outside any run and checks its verdict.
func (t *target) probe(ctx context.Context, r request) error {
	review, err := t.post(ctx, r, false)
	if err != nil {
		return err
	}
	if reason, detail := t.check(review, r); reason != "" {
		return fmt.Errorf("%s to %s: %s: %s", r.what, r.path, reason, detail)
	}
	return nil
}
