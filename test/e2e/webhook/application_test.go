package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

var applicationGVK = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}

var appCounter atomic.Int32

// newApplication builds an Application in namespace default with a unique name.
func newApplication(spec map[string]any) *unstructured.Unstructured {
	app := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	app.SetGroupVersionKind(applicationGVK)
	app.SetNamespace("default")
	app.SetName(fmt.Sprintf("app-%d", appCounter.Add(1)))
	return app
}

func gitSource(path string, revision ...string) map[string]any {
	src := map[string]any{"repoURL": "https://git.example.com/platform/tenants.git", "path": path}
	if len(revision) > 0 {
		src["targetRevision"] = revision[0]
	}
	return src
}

func spec(sources ...map[string]any) map[string]any {
	s := map[string]any{
		"project":     "tenant-shop",
		"destination": map[string]any{"server": "https://kubernetes.default.svc", "namespace": "tenant-shop"},
	}
	if len(sources) == 1 {
		s["source"] = sources[0]
		return s
	}
	list := make([]any, len(sources))
	for i, src := range sources {
		list[i] = src
	}
	s["sources"] = list
	return s
}

// stored reads back what the API server stored for app.
func stored(t *testing.T, app *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	got := &unstructured.Unstructured{}
	got.SetGroupVersionKind(applicationGVK)
	require.NoError(t, env.Client.Get(context.Background(), client.ObjectKeyFromObject(app), got))
	return got
}

func TestPinnedApplicationsAreRefused(t *testing.T) {
	cases := map[string]struct {
		revision string
		field    string
		spec     map[string]any
	}{
		"a short commit on spec.source": {
			revision: "3f1c9a0", field: "spec.source.targetRevision",
			spec: spec(gitSource("staging/shop", "3f1c9a0")),
		},
		"a full 40-hex commit on spec.source": {
			revision: "3f1c9a0b2d4e6f8091a2b3c4d5e6f708192a3b4c", field: "spec.source.targetRevision",
			spec: spec(gitSource("staging/shop", "3f1c9a0b2d4e6f8091a2b3c4d5e6f708192a3b4c")),
		},
		"a commit on the second of several sources": {
			revision: "DEADBEEF", field: "spec.sources[1].targetRevision",
			spec: spec(gitSource("staging/shop"), gitSource("staging/shop-values", "DEADBEEF")),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			app := newApplication(tc.spec)
			err := env.Client.Create(context.Background(), app)
			require.Error(t, err, "the API server stored a pinned Application")
			assert.True(t, apierrors.IsForbidden(err), "want 403 Forbidden, got %v", err)
			msg := err.Error()
			assert.Contains(t, msg, "[app-pinned-revision] Application default/"+app.GetName())
			assert.Contains(t, msg, tc.field)
			assert.Contains(t, msg, fmt.Sprintf("%q", tc.revision))
			assert.Contains(t, msg, "track HEAD")
			assert.True(t, apierrors.IsNotFound(env.Client.Get(context.Background(), client.ObjectKeyFromObject(app), app.DeepCopy())),
				"a refused Application must not be stored")
		})
	}
}

func TestApplicationWithoutRevisionIsStoredTrackingHEAD(t *testing.T) {
	app := newApplication(spec(gitSource("staging/shop")))
	require.NoError(t, env.Client.Create(context.Background(), app))

	got := stored(t, app)
	revision, _, _ := unstructured.NestedString(got.Object, "spec", "source", "targetRevision")
	assert.Equal(t, "HEAD", revision)
	path, _, _ := unstructured.NestedString(got.Object, "spec", "source", "path")
	assert.Equal(t, "staging/shop", path, "defaults must not touch other fields")
}

func TestEveryMultiSourceEntryWithoutRevisionGetsHEAD(t *testing.T) {
	values := map[string]any{"repoURL": "https://git.example.com/platform/tenants.git", "ref": "values", "targetRevision": "HEAD"}
	app := newApplication(spec(gitSource("staging/shop"), values, gitSource("staging/shop-extra", "")))
	require.NoError(t, env.Client.Create(context.Background(), app))

	sources, _, _ := unstructured.NestedSlice(stored(t, app).Object, "spec", "sources")
	require.Len(t, sources, 3)
	var revisions []string
	for _, s := range sources {
		revisions = append(revisions, s.(map[string]any)["targetRevision"].(string))
	}
	assert.Equal(t, []string{"HEAD", "HEAD", "HEAD"}, revisions)
	assert.Equal(t, values, sources[1], "a source that had its revision is stored as sent, in its place")
}

func TestHydratorDrySourceGetsHEAD(t *testing.T) {
	s := spec()
	s["sourceHydrator"] = map[string]any{
		"drySource":  gitSource("staging/shop"),
		"syncSource": map[string]any{"targetBranch": "environments/staging", "path": "staging/shop"},
	}
	app := newApplication(s)
	require.NoError(t, env.Client.Create(context.Background(), app))

	revision, _, _ := unstructured.NestedString(stored(t, app).Object, "spec", "sourceHydrator", "drySource", "targetRevision")
	assert.Equal(t, "HEAD", revision)
}

func TestApplicationTrackingHEADIsStoredUnchanged(t *testing.T) {
	sent := spec(gitSource("staging/shop", "HEAD"))
	app := newApplication(sent)
	require.NoError(t, env.Client.Create(context.Background(), app.DeepCopy()))

	got, _, _ := unstructured.NestedMap(stored(t, app).Object, "spec")
	assert.Equal(t, sent, got)
}

func TestMalformedApplicationIsRefusedNamingTheField(t *testing.T) {
	app := newApplication(spec(gitSource("staging/shop")))
	require.NoError(t, unstructured.SetNestedField(app.Object, int64(7), "spec", "source", "targetRevision"))
	err := env.Client.Create(context.Background(), app)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "spec.source.targetRevision"), "error should name the field: %v", err)
}
