package pipeline_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/pipeline"
)

const deletingApp = `{"apiVersion":"argoproj.io/v1alpha1","kind":"Application",
 "metadata":{"name":"shop","namespace":"argocd","deletionTimestamp":"2026-12-06T10:00:00Z",
  "finalizers":["resources-finalizer.argocd.argoproj.io","example.com/cleanup"]},
 "spec":{"project":"tenant-shop","destination":{"server":"https://kubernetes.default.svc","namespace":"tenant-shop"},
  "source":{"repoURL":"https://git.example.com/platform/tenants.git","path":"staging/shop","targetRevision":"HEAD"}}}`

func object(t testing.TB, doc string, edit func(map[string]any)) map[string]any {
	t.Helper()
	var obj map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc), &obj))
	if edit != nil {
		edit(obj)
	}
	return obj
}

func served(t *testing.T) *pipeline.Pipeline {
	t.Helper()
	snapshot, err := live.Loader{}.Load(t.Context())
	require.NoError(t, err)
	return &pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine}
}

func update(old, now map[string]any) *decode.Review {
	return &decode.Review{Operation: admissionv1.Update, Kind: model.KindApplication,
		Namespace: "argocd", Name: "shop", Object: now, OldObject: old}
}

func TestAnUpdateOfAnObjectBeingDeletedIsJudgedLikeAnyOther(t *testing.T) {
	p := served(t)
	old := object(t, deletingApp, nil)
	pinned := object(t, deletingApp, func(o map[string]any) {
		o["spec"].(map[string]any)["source"].(map[string]any)["targetRevision"] = "3f1c9a0"
	})

	findings, err := p.Validate(t.Context(), update(old, pinned))

	require.NoError(t, err)
	require.NotEmpty(t, findings)
	assert.Equal(t, "app-pinned-revision", findings[0].Rule)
}

func TestRemovingFinalizersOfAnObjectBeingDeletedIsLeftAlone(t *testing.T) {
	p := served(t)
	pinned := func(o map[string]any) {
		o["spec"].(map[string]any)["source"].(map[string]any)["targetRevision"] = "3f1c9a0"
	}
	tests := map[string]struct {
		finalizers any
		judged     bool
	}{
		"one finalizer removed":       {finalizers: []any{"example.com/cleanup"}, judged: false},
		"every finalizer removed":     {finalizers: nil, judged: false},
		"a finalizer added is judged": {finalizers: []any{"example.com/cleanup", "example.com/new"}, judged: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			// The stored object already breaks a rule (a config change may do
			// that): releasing its finalizers must still get through.
			old := object(t, deletingApp, pinned)
			now := object(t, deletingApp, pinned)
			now["metadata"].(map[string]any)["finalizers"] = tc.finalizers

			findings, err := p.Validate(t.Context(), update(old, now))

			require.NoError(t, err)
			assert.Equal(t, tc.judged, len(findings) > 0, "%v", findings)
		})
	}
}

func TestNothingIsFilledInOnAnObjectBeingDeleted(t *testing.T) {
	p := served(t)
	old := object(t, deletingApp, nil)
	now := object(t, deletingApp, func(o map[string]any) {
		delete(o["spec"].(map[string]any)["source"].(map[string]any), "targetRevision")
	})

	changes, err := p.Mutate(t.Context(), update(old, now))

	require.NoError(t, err)
	assert.Empty(t, changes, "kube-apiserver refuses a finalizer added to an object on its way out")
}

func TestAManifestWritingADeletionTimestampIsStillJudged(t *testing.T) {
	p := served(t)
	manifest := object(t, deletingApp, func(o map[string]any) {
		o["spec"].(map[string]any)["source"].(map[string]any)["targetRevision"] = "3f1c9a0"
	})
	review, err := decode.Manifest(manifest, p.Config.Limits)
	require.NoError(t, err)

	findings, err := p.Validate(t.Context(), review)

	require.NoError(t, err)
	require.NotEmpty(t, findings, "kube-apiserver drops deletionTimestamp on create: it hides nothing")
	assert.Equal(t, "app-pinned-revision", findings[0].Rule)
}
