package app

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
)

const (
	holdBlog = `{"apiVersion":"tenantguard.io/v1alpha1","kind":"PolicyException","metadata":{"name":"inc-4211-hold-blog"},
 "spec":{"rules":["app-pinned-revision"],"match":{"kind":"Application","namespace":"argocd","names":["tenant-blog"]},
  "reason":"INC-4211","requestedBy":"dana","expires":"2026-12-06T18:00:00Z"}}`
	pinnedBlog = `{"apiVersion":"argoproj.io/v1alpha1","kind":"Application","metadata":{"name":"tenant-blog","namespace":"argocd"},
 "spec":{"project":"tenant-blog","destination":{"server":"https://kubernetes.default.svc","namespace":"tenant-blog"},
  "source":{"repoURL":"https://git.example.com/platform/tenants.git","path":"staging/blog","targetRevision":"3f1c9a07"}},
 "status":{"sync":{"status":"Synced"}}}`
)

func decoded(t *testing.T, doc string) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc), &out))
	return out
}

func TestTheSupervisorsJudgeWaivesAPinUntilTheExceptionExpires(t *testing.T) {
	snapshot, err := live.Loader{}.Load(t.Context())
	require.NoError(t, err)
	clock := clocktesting.NewFakeClock(time.Date(2026, 12, 6, 17, 0, 0, 0, time.UTC))
	judge := supervisorJudge(live.NewCurrent(snapshot), nil, exceptionlookup.NewIndex([]map[string]any{decoded(t, holdBlog)}), clock)
	app := decoded(t, pinnedBlog)

	findings, err := judge(t.Context(), app)
	require.NoError(t, err)
	require.Len(t, findings, 1)
	assert.Equal(t, "app-pinned-revision", findings[0].Rule)
	require.NotNil(t, findings[0].WaivedBy)
	assert.Equal(t, "inc-4211-hold-blog", findings[0].WaivedBy.Name)
	assert.Contains(t, app, "status", "the supervisor's object is left as it was")

	clock.SetTime(time.Date(2026, 12, 6, 18, 0, 0, 0, time.UTC))
	findings, err = judge(t.Context(), app)
	require.NoError(t, err)
	require.Len(t, findings, 1)
	assert.Nil(t, findings[0].WaivedBy, "at its expiry the pin is no longer waived")
}
