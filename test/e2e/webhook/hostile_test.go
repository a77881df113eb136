package e2e

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
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/cmd/tenantguard/app"
	"github.com/tenantguard/tenantguard/webhook"
	"github.com/tenantguard/tenantguard/webhook/handler"
	"github.com/tenantguard/tenantguard/webhook/server"
)

// The hostile-input suite: each attack that once took the webhook down, at a
// small scale, against the real server. Every attack gets its answer, and
// valid reviews are still answered right afterwards.

// hostileReview is an Application AdmissionReview around object (raw JSON).
func hostileReview(uid, kind, operation, object string) []byte {
	return []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"` + uid + `",` +
		`"kind":{"group":"argoproj.io","version":"v1alpha1","kind":` + kind + `},` +
		`"resource":{"group":"argoproj.io","version":"v1alpha1","resource":"applications"},` +
		`"name":"shop","namespace":"argocd","operation":` + operation + `,"userInfo":{"username":"mallory"},"object":` + object + `}}`)
}

func hostileApplication(metadata, spec string) string {
	return `{"apiVersion":"argoproj.io/v1alpha1","kind":"Application","metadata":` + metadata + `,"spec":` + spec + `}`
}

const (
	pinnedSpec = `{"project":"tenant-shop","source":{"repoURL":"https://git.example.com/p.git","path":"staging/shop","targetRevision":"3f1c9a0"}}`
	cleanSpec  = `{"project":"tenant-shop","source":{"repoURL":"https://git.example.com/p.git","path":"staging/shop","targetRevision":"HEAD"}}`
	shopMeta   = `{"name":"shop","namespace":"argocd"}`
)

// postRaw sends body to path and returns the admission response.
func postRaw(t *testing.T, client *http.Client, addr, path string, body []byte) *admissionv1.AdmissionResponse {
	t.Helper()
	resp, err := client.Post("https://"+addr+path, "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	var review admissionv1.AdmissionReview
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&review))
	require.Equal(t, "admission.k8s.io/v1", review.APIVersion)
	require.NotNil(t, review.Response)
	require.NotNil(t, review.Response.Result)
	return review.Response
}

// assertStillServing checks that a clean Application is allowed and a pinned one denied.
func assertStillServing(t *testing.T, client *http.Client, addr string) {
	t.Helper()
	clean := postRaw(t, client, addr, webhook.ValidatePath, hostileReview("ok", `"Application"`, `"CREATE"`, hostileApplication(shopMeta, cleanSpec)))
	assert.True(t, clean.Allowed, clean.Result.Message)
	pinned := postRaw(t, client, addr, webhook.ValidatePath, hostileReview("no", `"Application"`, `"CREATE"`, hostileApplication(shopMeta, pinnedSpec)))
	assert.False(t, pinned.Allowed)
	assert.Contains(t, pinned.Result.Message, "[app-pinned-revision]")
}

func TestHostileBodiesAreRefusedNamingWhy(t *testing.T) {
	addr, _, _ := startSecondServer(t)
	client := &http.Client{Transport: insecureTransport(4)}
	aliases := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for c := 'b'; c <= 'i'; c++ {
		prev := string(c - 1)
		aliases += fmt.Sprintf("%c: &%c [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", c, c, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev)
	}
	deep := `{"project":"tenant-shop","source":{"repoURL":"r","chart":"c","helm":{"valuesObject":` +
		strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat(`}`, 10000) + `}}}`
	evil := strings.Replace(hostileApplication(shopMeta, pinnedSpec), "argoproj.io/v1alpha1", "evil.example.com/v1", 1)
	tests := map[string]struct {
		body     []byte
		wantCode int32
		want     string
	}{
		"YAML aliases sent as JSON, a billion values once expanded": {[]byte(aliases), 400, "must be a JSON AdmissionReview object"},
		"Helm values nested 10,000 levels":                          {hostileReview("deep", `"Application"`, `"CREATE"`, hostileApplication(shopMeta, deep)), 400, "(limits.maxDepth)"},
		"an object that claims another apiVersion":                  {hostileReview("evil", `"Application"`, `"CREATE"`, evil), 400, "object.apiVersion: Invalid value"},
		"an object in another namespace than the request's": {
			hostileReview("ns", `"Application"`, `"CREATE"`, hostileApplication(`{"name":"shop","namespace":"tenant-other"}`, pinnedSpec)),
			400, `object.metadata.namespace: Invalid value: "tenant-other"`,
		},
		"a v1beta1 AdmissionReview": {
			bytes.Replace(hostileReview("old", `"Application"`, `"CREATE"`, hostileApplication(shopMeta, pinnedSpec)), []byte("admission.k8s.io/v1"), []byte("admission.k8s.io/v1beta1"), 1),
			400, "admission.k8s.io/v1 AdmissionReviews only",
		},
		"Helm values of 600,000 empty objects": {
			hostileReview("dense", `"Application"`, `"CREATE"`, hostileApplication(shopMeta, denseSpec(600000))), 400, "more than 500000 values and keys (limits.maxNodes)",
		},
		"a body past limits.maxReviewBytes": {
			hostileReview("big", `"Application"`, `"CREATE"`, hostileApplication(shopMeta, `{"x":"`+strings.Repeat("x", 4<<20)+`"}`)),
			413, "(limits.maxReviewBytes)",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			for _, path := range []string{webhook.ValidatePath, webhook.MutatePath} {
				resp := postRaw(t, client, addr, path, tt.body)
				assert.False(t, resp.Allowed, path)
				assert.Equal(t, tt.wantCode, resp.Result.Code, path)
				assert.Contains(t, resp.Result.Message, tt.want, path)
				assert.Less(t, len(resp.Result.Message), 2000, "a refusal stays short")
			}
		})
	}
	assertStillServing(t, client, addr)
}

func TestHostileApplicationsThroughTheAPIServerAreRefusedNamingTheLimit(t *testing.T) {
	deep := map[string]any{"a": 1}
	for range 150 {
		deep = map[string]any{"a": deep}
	}
	chart := map[string]any{"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.0.0",
		"helm": map[string]any{"valuesObject": deep}}
	var pinned []map[string]any
	for range 2000 {
		pinned = append(pinned, gitSource("staging/shop", "3f1c9a0"))
	}
	tests := map[string]struct {
		spec map[string]any
		want string
	}{
		"Helm values nested 150 levels": {spec(chart), "(limits.maxDepth)"},
		"2,000 pinned sources":          {spec(pinned...), "must list at most 64 sources (limits.maxSources)"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := env.Client.Create(context.Background(), newApplication(tt.spec), client.DryRunAll)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Less(t, len(err.Error()), 2000, "the refusal is short, not one line per source")
		})
	}
}

// denseSpec is a chart source whose Helm values are a list of n empty objects.
func denseSpec(n int) string {
	return `{"project":"tenant-shop","source":{"repoURL":"r","chart":"c","targetRevision":"1.0.0","helm":{"valuesObject":{"data":[` +
		strings.Repeat(`{},`, n-1) + `{}]}}}}`
}

// Reviews dense with values, each charged what it holds once decoded, wait
// for one another within the memory budget: each is judged or refused as
// saturated, none fails, and valid reviews are judged right afterwards.
func TestDenseReviewsAtOnceAreJudgedWithinTheMemoryBudget(t *testing.T) {
	addr, _, _ := startServer(t, app.Options{MetricsAddr: "0", ProbeAddr: "0", MaxInFlightBytes: 64 << 20})
	client := &http.Client{Transport: insecureTransport(8)}
	body := hostileReview("dense", `"Application"`, `"CREATE"`, hostileApplication(shopMeta, denseSpec(100000)))
	var wg sync.WaitGroup
	codes := make([]int32, 8)
	for i := range codes {
		wg.Go(func() {
			resp := postRaw(t, client, addr, []string{webhook.ValidatePath, webhook.MutatePath}[i%2], body)
			codes[i] = resp.Result.Code
			if resp.Allowed {
				codes[i] = http.StatusOK
			}
		})
	}
	wg.Wait()
	judged := 0
	for _, code := range codes {
		assert.Contains(t, []int32{http.StatusOK, http.StatusForbidden, http.StatusServiceUnavailable}, code, "judged, or refused as saturated")
		if code != http.StatusServiceUnavailable {
			judged++
		}
	}
	assert.Positive(t, judged, "the budget admits them one after another")
	assertStillServing(t, client, addr)
}

// The metrics keep one series per kind and operation tenantguard handles,
// whatever values clients send.
func TestMetricLabelsComeFromClosedSets(t *testing.T) {
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	addr, _, _ := startServer(t, app.Options{MetricsAddr: metricsAddr, ProbeAddr: "0"})
	client := &http.Client{Transport: insecureTransport(4)}
	for i := range 40 {
		kind := fmt.Sprintf(`"Hostile%d%s"`, i, strings.Repeat("x", 10000))
		resp := postRaw(t, client, addr, webhook.ValidatePath, hostileReview("m", kind, fmt.Sprintf(`"OP%d"`, i), hostileApplication(shopMeta, cleanSpec)))
		assert.EqualValues(t, http.StatusBadRequest, resp.Result.Code)
	}

	var body string
	require.Eventually(t, func() bool { // the metrics port starts beside the webhooks'
		body = get(t, "http://"+metricsAddr+"/metrics")
		return body != ""
	}, 10*time.Second, 20*time.Millisecond)
	assert.NotContains(t, body, "Hostile")
	series := regexp.MustCompile(`tenantguard_reviews_total\{decision="[a-z-]+",kind="([^"]*)",operation="([^"]*)",webhook="[a-z]+"\}`).FindAllStringSubmatch(body, -1)
	require.NotEmpty(t, series)
	for _, s := range series {
		assert.Contains(t, []string{"Application", "ApplicationSet", "Tenant", "other"}, s[1])
		assert.Contains(t, []string{"CREATE", "UPDATE", "DELETE", "CONNECT", "other"}, s[2])
	}
	assertStillServing(t, client, addr)
}

// A review whose label names a Tenant that does not exist is answered at
// once: with one slot and a half-second deadline, reviews that each waited
// for the Tenant would time out behind one another.
func TestAnUnknownTenantDoesNotHoldAReviewSlot(t *testing.T) {
	addr, _, _ := startServer(t, app.Options{MetricsAddr: "0", ProbeAddr: "0",
		Limits: handler.Limits{MaxInFlight: 1, Deadline: 500 * time.Millisecond}})
	client := &http.Client{Transport: insecureTransport(8)}
	meta := `{"name":"shop","namespace":"argocd","labels":{"` + tenantv1.TenantLabel + `":"no-such-tenant"}}`
	var wg sync.WaitGroup
	codes := make([]int32, 8)
	for i := range codes {
		wg.Go(func() {
			resp := postRaw(t, client, addr, webhook.MutatePath, hostileReview("u", `"Application"`, `"CREATE"`, hostileApplication(meta, cleanSpec)))
			codes[i] = resp.Result.Code
		})
	}
	wg.Wait()
	for _, code := range codes {
		assert.EqualValues(t, http.StatusOK, code, "answered, not refused as saturated")
	}
}

// Slow and idle clients are cut off, and no more than the cap are served at once.
func TestSlowClientsAreCutOffAndConnectionsCapped(t *testing.T) {
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	addr, _, _ := startServer(t, app.Options{MetricsAddr: metricsAddr, ProbeAddr: "0", Connections: server.Connections{
		Max: 4, ReadHeaderTimeout: 1500 * time.Millisecond, ReadTimeout: 2 * time.Second,
	}})
	tlsConfig := &tls.Config{InsecureSkipVerify: true} //nolint:gosec // loopback test server

	t.Run("headers sent a byte at a time are cut off", func(t *testing.T) {
		conn, err := tls.Dial("tcp", addr, tlsConfig)
		require.NoError(t, err)
		defer conn.Close()
		_, err = conn.Write([]byte("POST /validate HTTP/1.1\r\nHost: x\r\n"))
		require.NoError(t, err)
		assertClosedWithin(t, conn, 5*time.Second)
	})
	t.Run("slow headers on the metrics port are cut off too", func(t *testing.T) {
		conn, err := net.Dial("tcp", metricsAddr)
		require.NoError(t, err)
		defer conn.Close()
		_, err = conn.Write([]byte("GET /metrics HTTP/1.1\r\n"))
		require.NoError(t, err)
		assertClosedWithin(t, conn, 5*time.Second)
	})
	t.Run("a body that never finishes is cut off", func(t *testing.T) {
		conn, err := tls.Dial("tcp", addr, tlsConfig)
		require.NoError(t, err)
		defer conn.Close()
		_, err = conn.Write([]byte("POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{\"a\":"))
		require.NoError(t, err)
		assertClosedWithin(t, conn, 5*time.Second)
	})
	t.Run("connections that say nothing past the cap make room for a fresh one", func(t *testing.T) {
		for range 4 {
			conn, err := tls.Dial("tcp", addr, tlsConfig)
			require.NoError(t, err)
			defer conn.Close()
		}
		assertStillServing(t, &http.Client{Transport: insecureTransport(1), Timeout: 30 * time.Second}, addr)
	})
	assertStillServing(t, &http.Client{Transport: insecureTransport(1)}, addr)
}

// assertClosedWithin reads from conn until the server closes it.
func assertClosedWithin(t *testing.T, conn net.Conn, limit time.Duration) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(limit)))
	_, err := io.ReadAll(conn) // ends when the server closes the connection, or at the deadline
	var netErr net.Error
	if errors.As(err, &netErr) {
		assert.False(t, netErr.Timeout(), "the server closed the connection before the client gave up")
	}
}

// Clients that hold every connection the webhook and probe ports allow,
// idle between requests as keep-alive clients are, lock out neither a fresh
// client of the webhooks (kube-apiserver's next connection) nor the kubelet's
// probes: the longest idle connection makes room, and readiness opens no
// connection of its own.
func TestHeldConnectionsLockOutNeitherAFreshClientNorTheProbes(t *testing.T) {
	const held = 32
	probeAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	addr, _, _ := startServer(t, app.Options{MetricsAddr: "0", ProbeAddr: probeAddr, Connections: server.Connections{Max: held}})
	require.Eventually(t, func() bool { return get(t, "http://"+probeAddr+"/readyz") != "" }, 30*time.Second, 50*time.Millisecond)
	webhook := holdIdle(t, held, func() *http.Client {
		return &http.Client{Transport: insecureTransport(1)}
	}, func(c *http.Client) error {
		resp := postRaw(t, c, addr, webhook.ValidatePath, hostileReview("held", `"Application"`, `"CREATE"`, hostileApplication(shopMeta, cleanSpec)))
		if !resp.Allowed {
			return errors.New(resp.Result.Message)
		}
		return nil
	})
	probes := holdIdle(t, held, func() *http.Client { return &http.Client{Transport: &http.Transport{}} }, func(c *http.Client) error {
		resp, err := c.Get("http://" + probeAddr + "/healthz")
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return err
	})
	require.Equal(t, held, webhook, "every connection of the webhook port is held")
	require.Equal(t, held, probes, "every connection of the probe port is held")

	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	for _, path := range []string{"/readyz", "/healthz"} {
		resp, err := fresh.Get("http://" + probeAddr + path)
		require.NoError(t, err, path)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
	}
	assertStillServing(t, &http.Client{Transport: insecureTransport(1), Timeout: 30 * time.Second}, addr)
}

// holdIdle opens n keep-alive clients, each making one request with do so that
// its connection then idles, and returns how many succeeded. The clients'
// connections close when the test ends.
func holdIdle(t *testing.T, n int, client func() *http.Client, do func(*http.Client) error) int {
	t.Helper()
	ok := 0
	for range n {
		c := client()
		t.Cleanup(c.CloseIdleConnections)
		if err := do(c); err == nil {
			ok++
		}
	}
	return ok
}
