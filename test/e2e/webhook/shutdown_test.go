package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	k8stypes "k8s.io/apimachinery/pkg/types"

	"github.com/tenantguard/tenantguard/cmd/tenantguard/app"
	"github.com/tenantguard/tenantguard/test/support/cluster"
	"github.com/tenantguard/tenantguard/webhook"
)

// slowRule makes a review of an Application labelled e2e-slow take tens of
// milliseconds, long enough to stop the server while reviews are in flight.
const slowRule = `# METADATA
# title: Slow on purpose, for the shutdown test
# custom:
#   id: e2e-slow
#   enforcement: dryrun
package tenantguard.rules.e2e_slow

import data.tenantguard.lib

violation contains v if {
	input.object.metadata.labels["e2e-slow"] == "true"
	count(numbers.range(1, 400000)) == 0
	v := lib.violation(rego.metadata.chain(), "metadata.labels", "", "never")
}
`

// TestShutdownDrainsReviewsInFlight stops a second tenantguard server while
// reviews are running: each of them still gets its answer, and new
// connections are refused once it has stopped.
func TestShutdownDrainsReviewsInFlight(t *testing.T) {
	const inFlight = 6
	addr, stop, stopped := startSecondServer(t)
	client := &http.Client{Transport: insecureTransport(inFlight)}

	// Warm up as many connections as reviews to come, so that at shutdown every
	// review is running on an open connection, not still connecting.
	start := time.Now()
	require.Empty(t, postConcurrently(client, addr, "warm-up", inFlight, nil))
	oneRound := time.Since(start)

	results := postConcurrently(client, addr, "in-flight", inFlight, func() {
		// Every review is written by now (postConcurrently waits for that), and
		// a third of a round later the server has read each one and is judging it.
		time.Sleep(oneRound / 3)
		stop()
	})
	assert.Empty(t, results, "every review in flight at shutdown gets its answer")
	require.NoError(t, <-stopped)
	_, err := net.DialTimeout("tcp", addr, time.Second)
	assert.Error(t, err, "the stopped server must not accept connections")
}

// postConcurrently sends n reviews at once, runs during() once every one of
// them is written to its connection, and returns the errors of the reviews
// that failed. Waiting for the writes, not for a time, keeps a loaded machine
// from stopping the server before a review was even sent.
func postConcurrently(client *http.Client, addr, prefix string, n int, during func()) []error {
	var wg, written sync.WaitGroup
	written.Add(n)
	results := make([]error, n)
	for i := range n {
		wg.Go(func() {
			var once sync.Once
			trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once.Do(written.Done) }}
			ctx := httptrace.WithClientTrace(context.Background(), trace)
			status, err := postReviewContext(ctx, client, addr, fmt.Sprintf("%s-%d", prefix, i))
			once.Do(written.Done) // a request that failed before it was written

			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("status %d", status)
			}
			results[i] = err
		})
	}
	if during != nil {
		written.Wait()
		during()
	}
	wg.Wait()
	var failed []error
	for _, err := range results {
		if err != nil {
			failed = append(failed, err)
		}
	}
	return failed
}

func startSecondServer(t *testing.T) (addr string, stop func(), stopped <-chan error) {
	return startServer(t, app.Options{MetricsAddr: "0", ProbeAddr: "0"})
}

// startServer starts another tenantguard server against the test cluster, on
// its own port, with the slow rule among its extra policies.
func startServer(t *testing.T, opts app.Options) (addr string, stop func(), stopped <-chan error) {
	t.Helper()
	extra := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(extra, "slow.rego"), []byte(slowRule), 0o600))
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	opts.Host, opts.Port, opts.CertDir, opts.Policies.ExtraPolicyDir = "127.0.0.1", port, env.ServingCertDir(), extra
	mgr, err := app.New(ctx, env.Config, opts)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	require.NoError(t, cluster.WaitForTLS(addr, done))
	t.Cleanup(cancel)
	return addr, cancel, done
}

// postReview sends the validating webhook a review of a slow Application and
// checks that the answer is a complete AdmissionReview for it.
func postReview(client *http.Client, addr, uid string) (int, error) {
	return postReviewContext(context.Background(), client, addr, uid)
}

// postReviewContext is postReview within ctx, which may carry a client trace.
func postReviewContext(ctx context.Context, client *http.Client, addr, uid string) (int, error) {
	body, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: k8stypes.UID(uid), Operation: admissionv1.Create, Name: "slow", Namespace: "argocd",
			Kind:   metav1.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"},
			Object: rawApplication(),
		},
	})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+addr+webhook.ValidatePath, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var review admissionv1.AdmissionReview
	if err := json.NewDecoder(resp.Body).Decode(&review); err != nil {
		return resp.StatusCode, fmt.Errorf("reading the answer: %w", err)
	}
	if review.Response == nil || string(review.Response.UID) != uid || !review.Response.Allowed {
		return resp.StatusCode, fmt.Errorf("unexpected answer %+v", review.Response)
	}
	return resp.StatusCode, nil
}

// insecureTransport reaches the loopback test servers, keeping up to conns connections open.
func insecureTransport(conns int) *http.Transport {
	return &http.Transport{
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback test server
		MaxIdleConnsPerHost: conns,
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// rawApplication is a clean Application labelled to take the slow rule.
func rawApplication() runtime.RawExtension {
	return runtime.RawExtension{Raw: []byte(`{"apiVersion":"argoproj.io/v1alpha1","kind":"Application",` +
		`"metadata":{"name":"slow","namespace":"argocd","labels":{"e2e-slow":"true"}},` +
		`"spec":{"project":"tenant-shop","source":{"repoURL":"https://git.example.com/p.git","path":"staging/shop","targetRevision":"HEAD"}}}`)}
}
