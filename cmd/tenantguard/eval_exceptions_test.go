package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clocktesting "k8s.io/utils/clock/testing"
)

// holdShop waives app-pinned-revision on the Application argocd/shop
// (pinnedApp) until noon.
const holdShop = `apiVersion: tenantguard.io/v1alpha1
kind: PolicyException
metadata: {name: inc-4211}
spec:
  rules: [app-pinned-revision]
  match: {kind: Application, namespace: argocd, names: [shop]}
  reason: "INC-4211: hold production on the last good commit"
  requestedBy: alice
  expires: "2026-12-06T12:00:00Z"
`

// Times around the exception's expiry.
const (
	beforeNoon = "2026-12-06T11:59:59Z"
	atNoon     = "2026-12-06T12:00:00Z"
)

const waivedShop = "WAIVED\t%s\t[app-pinned-revision] Application argocd/shop: "

func TestEvalWaivesAFindingUntilItsExceptionExpires(t *testing.T) {
	dir := t.TempDir()
	app := writeFile(t, dir, "app.yaml", pinnedApp)
	exceptions := writeFile(t, dir, "exceptions.yaml", holdShop)

	code, out, errOut := tenantguard("", "eval", "--exceptions", exceptions, "--now", beforeNoon, app)
	assert.Equal(t, 0, code, "a waived finding fails nothing: %s%s", out, errOut)
	assert.Contains(t, out, strings.Replace(waivedShop, "%s", app+"#1", 1))
	assert.Contains(t, out, "(waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)\n")
	assert.Contains(t, out, "1 document, 0 violations, 0 warnings, 0 dry-run findings, 1 waived\n")

	code, out, _ = tenantguard("", "eval", "--exceptions", exceptions, "--now", atNoon, app)
	assert.Equal(t, 1, code, "at its expiry the exception waives nothing: %s", out)
	assert.Contains(t, out, "FAIL\t"+app+"#1\t[app-pinned-revision] Application argocd/shop: ")
	assert.NotContains(t, out, "waived")
}

func TestEvalTakesPolicyExceptionsFromItsDocuments(t *testing.T) {
	stream := pinnedApp + "---\n" + holdShop
	code, out, errOut := tenantguard(stream, "eval", "-o", "json", "--now", beforeNoon, "-")
	require.Equal(t, 0, code, out+errOut)
	var report struct {
		Results []struct {
			Kind     string
			Findings []struct {
				Rule     string
				WaivedBy *struct{ Name, Expires, Reason string }
			}
		}
		Summary map[string]int
	}
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	require.Len(t, report.Results, 2, "the exception is a document judged in its place too")
	shop := report.Results[0]
	require.Len(t, shop.Findings, 1)
	require.NotNil(t, shop.Findings[0].WaivedBy)
	assert.Equal(t, "inc-4211", shop.Findings[0].WaivedBy.Name)
	assert.Equal(t, "2026-12-06T12:00:00Z", shop.Findings[0].WaivedBy.Expires)
	assert.Equal(t, "INC-4211: hold production on the last good commit", shop.Findings[0].WaivedBy.Reason)
	assert.Equal(t, 1, report.Summary["waived"])
	assert.Equal(t, 0, report.Summary["violations"])
}

func TestEvalWaivesNothingForAnotherApplication(t *testing.T) {
	dir := t.TempDir()
	cart := writeFile(t, dir, "cart.yaml", strings.Replace(pinnedApp, "name: shop", "name: cart", 1))
	exceptions := writeFile(t, dir, "exceptions.yaml", holdShop)

	code, out, _ := tenantguard("", "eval", "--exceptions", exceptions, "--now", beforeNoon, cart)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "FAIL\t"+cart+"#1\t[app-pinned-revision] Application argocd/cart: ")
}

func TestEvalRefusesABadNowOrExceptionsFile(t *testing.T) {
	dir := t.TempDir()
	app := writeFile(t, dir, "app.yaml", pinnedApp)
	broken := writeFile(t, dir, "broken.yaml", "apiVersion: tenantguard.io/v1alpha1\nkind: PolicyException\nmetadata: [\n")
	listless := writeFile(t, dir, "listless.yaml", strings.Replace(holdShop, "rules: [app-pinned-revision]", "rules: app-pinned-revision", 1))
	cases := map[string]struct {
		args    []string
		wantErr []string
	}{
		"a --now that is not RFC 3339 names the flag": {
			args: []string{"--now", "tomorrow"}, wantErr: []string{`invalid value "tomorrow" for flag -now`, "RFC 3339"},
		},
		"a missing exceptions file names the flag and the file": {
			args: []string{"--exceptions", filepath.Join(dir, "nope.yaml")}, wantErr: []string{"--exceptions: ", "nope.yaml"},
		},
		"an unreadable exception names the flag, the file and the line": {
			args: []string{"--exceptions", broken}, wantErr: []string{"--exceptions: " + broken + ":3: document 1:"},
		},
		"an exception no cluster could store names the flag": {
			args: []string{"--exceptions", listless}, wantErr: []string{"--exceptions: reading PolicyException"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := tenantguard("", append(append([]string{"eval"}, tc.args...), app)...)
			assert.Equal(t, 2, code, out+errOut)
			for _, want := range tc.wantErr {
				assert.Contains(t, errOut, want)
			}
		})
	}
}

// In process, eval's options take a clock: the same run judged before
// and at the expiry, without waiting for it.
func TestEvalJudgesExceptionsAtItsOptionsClock(t *testing.T) {
	dir := t.TempDir()
	app := writeFile(t, dir, "app.yaml", pinnedApp)
	exceptions := writeFile(t, dir, "exceptions.yaml", holdShop)
	var stdout, stderr bytes.Buffer
	opts, err := parseEvalFlags([]string{"--exceptions", exceptions, app}, &stdout, &stderr)
	require.NoError(t, err)
	clock := clocktesting.NewFakePassiveClock(time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC))
	opts.clock = clock

	code, err := evaluate(context.Background(), opts, nil, &stdout, &stderr)
	require.NoError(t, err)
	assert.Equal(t, 0, code, stdout.String())

	clock.SetTime(time.Date(2026, 12, 6, 12, 0, 1, 0, time.UTC))
	stdout.Reset()
	code, err = evaluate(context.Background(), opts, nil, &stdout, &stderr)
	require.NoError(t, err)
	assert.Equal(t, 1, code, stdout.String())
}

// The exceptions a cluster holds, exported as `kubectl get pex -o json |
// jq .items` writes them: a JSON array, with the server's fields and numbers.
func TestEvalReadsExceptionsExportedFromACluster(t *testing.T) {
	dir := t.TempDir()
	app := writeFile(t, dir, "app.yaml", pinnedApp)
	exported := writeFile(t, dir, "exceptions.json", `[{"apiVersion": "tenantguard.io/v1alpha1", "kind": "PolicyException",
  "metadata": {"name": "inc-4211", "generation": 1, "resourceVersion": "4711", "creationTimestamp": "2026-12-06T10:00:00Z"},
  "spec": {"rules": ["app-pinned-revision"], "match": {"kind": "Application", "namespace": "argocd", "names": ["shop"]},
    "reason": "INC-4211", "requestedBy": "alice", "approvedBy": "lead", "expires": "2026-12-06T12:00:00Z"},
  "status": {"state": "Active"}}]`)

	code, out, errOut := tenantguard("", "eval", "--exceptions", exported, "--now", beforeNoon, app)
	assert.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "(waived by PolicyException inc-4211 until 2026-12-06T12:00:00Z)")
}
