package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// reviewTimeout is kube-apiserver's default webhook timeout, and the
// webhook configurations' timeoutSeconds: a review not answered by then has
// failed, whatever the server does later.
const reviewTimeout = 10 * time.Second

// answerLimit bounds how much of an answer is read, so that a server that
// echoed a hostile body back cannot make this program hold it all; an
// answer over bigAnswer is classed apart, since kube-apiserver would pass a
// message that size on to the client that made the request.
const (
	answerLimit = 16 << 20
	bigAnswer   = 64 << 10
)

// endpoint is the webhook server's address and the TLS setup clients use to
// reach it. The server restarts on the same certificate, so the TLS setup
// stays; the address changes with a restart.
type endpoint struct {
	addr func() string
	tls  *tls.Config
}

// client returns a keep-alive HTTP/1.1 client holding at most conns
// connections, as kube-apiserver holds to a webhook.
func (e *endpoint) client(conns int, timeout time.Duration) *http.Client {
	transport := &http.Transport{
		TLSClientConfig:     e.tls.Clone(),
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{Transport: transport, Timeout: timeout}
}

// answer is what one request got back, reduced to what the report counts.
type answer struct {
	// class names the answer for counting: the review's status code
	// ("400", "413", "403"), "allowed", "HTTP <status> without a review"
	// when the server answered without one, or the transport error's kind.
	class string
	// review is the decoded response, when there was one.
	review *admissionv1.AdmissionResponse
	// message is the review's status message, or the error.
	message string
	// answered is whether the server sent an HTTP answer at all.
	answered bool
}

// post sends body to path and reduces the answer.
func (e *endpoint) post(ctx context.Context, c *http.Client, path string, body []byte) answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+e.addr()+path, bytes.NewReader(body))
	if err != nil {
		return answer{class: "error", message: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return answer{class: errorClass(err), message: err.Error()}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, answerLimit))
	if err != nil {
		return answer{class: errorClass(err), message: err.Error()}
	}
	return reviewAnswer(resp.StatusCode, data)
}

// reviewAnswer reduces an HTTP answer. One carrying an AdmissionReview (of
// any version: v1 and v1beta1 share the response's shape) is classed by its
// verdict and status code. tenantguard also sets the HTTP status to that code
// when it refuses a request whose UID it never read, since kube-apiserver
// takes an answer without the UID for a broken webhook; that status is
// named only when it disagrees with the review's code. An answer without a
// review is classed by its HTTP status.
func reviewAnswer(status int, body []byte) answer {
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil || review.Response == nil {
		class := fmt.Sprintf("HTTP %d without a review", status)
		if status == http.StatusOK {
			class = "200 without a review"
		}
		return answer{class: class, message: shorten(string(body), 200), answered: true}
	}
	a := answer{review: review.Response, answered: true}
	code := int32(0)
	if review.Response.Result != nil {
		a.message, code = review.Response.Result.Message, review.Response.Result.Code
	}
	switch {
	case review.Response.Allowed:
		a.class = "allowed"
	case code == 0:
		a.class = "denied without a code"
	default:
		a.class = fmt.Sprint(code)
	}
	if status != http.StatusOK && status != int(code) {
		a.class += fmt.Sprintf(" with HTTP %d", status)
	}
	if len(body) > bigAnswer {
		a.class += fmt.Sprintf(" in a %.1f MiB answer", float64(len(body))/(1<<20))
	}
	return a
}

// errorClass names a transport error by what the peer did, for counting.
func errorClass(err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		strings.Contains(err.Error(), "server closed"), strings.Contains(err.Error(), "EOF"):
		return "closed"
	}
	return "error"
}
