package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"sort"
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

func newTarget(name, addr string, roots *x509.CertPool, concurrency int, strict bool) *target {
	t := &target{name: name, addr: addr, strict: strict}
	tlsConfig := &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
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

// event runs between two requests of a run, in the dispatcher: requests
// already in flight keep going while it runs, later ones wait for it.
type event struct {
	at   int
	name string
	do   func() error
}

// result is what one run measured.
type result struct {
	sent      int
	wall      time.Duration
	latencies []time.Duration
	failed    int
	// failures counts failures by reason, with one example each.
	failures map[string]*failure
	eventErr []error
	capped   bool
	cpu      time.Duration
	// windows describe the latencies of the requests just after each event,
	// where a reload's compilation or a rotation's handshakes would show.
	windows []string
}

type failure struct {
	count   int
	example string
}

// run sends reqs with the given number of concurrent workers until all are
// answered or ctx ends, running events at their request index.
func run(ctx context.Context, t *target, reqs []request, concurrency int, events []event) *result {
	res := &result{latencies: make([]time.Duration, len(reqs)), failures: map[string]*failure{}}
	answered := make([]bool, len(reqs))
	var mu sync.Mutex
	fail := func(r request, reason, detail string) {
		mu.Lock()
		defer mu.Unlock()
		res.failed++
		key := r.what + " to " + r.path + ": " + reason
		f := res.failures[key]
		if f == nil {
			f = &failure{example: "uid " + r.uid + ": " + detail}
			res.failures[key] = f
		}
		f.count++
	}
	next := make(chan int)
	var wg sync.WaitGroup
	cpuStart := processCPU()
	start := time.Now()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := t.generation.Load()
			for i := range next {
				reconnect := false
				if g := t.generation.Load(); g != seen {
					seen, reconnect = g, true
				}
				r := reqs[i]
				began := time.Now()
				review, err := t.post(ctx, r, reconnect)
				res.latencies[i] = time.Since(began)
				answered[i] = true
				if err != nil {
					fail(r, "transport", err.Error())
					continue
				}
				if reason, detail := t.check(review, r); reason != "" {
					fail(r, reason, detail)
				}
			}
		}()
	}
	pending := events
dispatch:
	for i := range reqs {
		for len(pending) > 0 && pending[0].at == i {
			if err := pending[0].do(); err != nil {
				res.eventErr = append(res.eventErr, fmt.Errorf("%s: %w", pending[0].name, err))
			}
			pending = pending[1:]
		}
		select {
		case next <- i:
		case <-ctx.Done():
			res.capped = true
			break dispatch
		}
	}
	close(next)
	wg.Wait()
	res.wall = time.Since(start)
	res.cpu = processCPU() - cpuStart
	for _, e := range pending {
		res.eventErr = append(res.eventErr, fmt.Errorf("%s: not reached before the duration cap", e.name))
	}
	for _, e := range events {
		var window []time.Duration
		for i := e.at; i < min(len(reqs), e.at+max(100, len(reqs)/10)); i++ {
			if answered[i] {
				window = append(window, res.latencies[i])
			}
		}
		if len(window) == 0 {
			continue
		}
		sort.Slice(window, func(i, j int) bool { return window[i] < window[j] })
		res.windows = append(res.windows, fmt.Sprintf("%d requests after the %s: p50 %s, p99 %s, max %s",
			len(window), e.name, ms(percentile(window, 0.5)), ms(percentile(window, 0.99)), ms(window[len(window)-1])))
	}
	kept := res.latencies[:0]
	for i, ok := range answered {
		if ok {
			kept = append(kept, res.latencies[i])
		}
	}
	res.latencies, res.sent = kept, len(kept)
	return res
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

// percentile returns the p-th percentile (0..1) of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

type summary struct {
	rate          float64
	p50, p99, max time.Duration
}

func summarize(res *result) summary {
	sorted := append([]time.Duration(nil), res.latencies...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	s := summary{p50: percentile(sorted, 0.50), p99: percentile(sorted, 0.99)}
	if len(sorted) > 0 {
		s.max = sorted[len(sorted)-1]
	}
	if res.wall > 0 {
		s.rate = float64(res.sent) / res.wall.Seconds()
	}
	return s
}

// waitFor polls cond every step until it holds or timeout passes, and returns
// how long it took.
func waitFor(timeout, step time.Duration, cond func() (bool, error)) (time.Duration, error) {
	start := time.Now()
	var last error
	for time.Since(start) < timeout {
		ok, err := cond()
		if ok {
			return time.Since(start), nil
		}
		last = err
		time.Sleep(step)
	}
	return time.Since(start), errors.Join(fmt.Errorf("not within %s", timeout), last)
}
