package decode_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/model"
)

var applicationKind = metav1.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}

// appRequest builds an admission request for an Argo CD Application.
func appRequest(op admissionv1.Operation, object, oldObject string) admission.Request {
	req := admission.Request{}
	req.UID = "uid-1"
	req.Kind = applicationKind
	req.Operation = op
	req.Namespace, req.Name = "argocd", "shop"
	req.UserInfo = authenticationv1.UserInfo{Username: "alice", Groups: []string{"team-shop"}}
	req.Object = runtime.RawExtension{Raw: []byte(object)}
	req.OldObject = runtime.RawExtension{Raw: []byte(oldObject)}
	return req
}

// app wraps a spec (raw JSON) into an Application object.
func app(spec string) string {
	return `{"apiVersion":"argoproj.io/v1alpha1","kind":"Application",` +
		`"metadata":{"name":"shop","namespace":"argocd"},"spec":` + spec + `}`
}

func TestRequestRefusesWhatThePipelineCannotRead(t *testing.T) {
	tests := map[string]struct {
		req      admission.Request
		wantPath string
	}{
		"a kind tenantguard does not admit is refused naming the kind": {
			req: func() admission.Request {
				r := appRequest(admissionv1.Create, app(`{}`), "")
				r.Kind = metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
				return r
			}(),
			wantPath: "kind:",
		},
		"a create without an object is refused naming the object": {
			req: appRequest(admissionv1.Create, "", ""), wantPath: "object:",
		},
		"an object that is a JSON list is refused naming the object": {
			req: appRequest(admissionv1.Create, `[1]`, ""), wantPath: "object:",
		},
		"an object that is a JSON string is refused naming the object": {
			req: appRequest(admissionv1.Create, `"x"`, ""), wantPath: "object:",
		},
		"an object that is truncated JSON is refused naming the object": {
			req: appRequest(admissionv1.Create, `{`, ""), wantPath: "object:",
		},
		"two objects back to back are refused naming the object": {
			req: appRequest(admissionv1.Create, `{} {}`, ""), wantPath: "object:",
		},
		"an old object that is not JSON is refused naming the old object": {
			req: appRequest(admissionv1.Update, app(`{}`), `[`), wantPath: "oldObject:",
		},
		"an Application with a null spec is refused naming the spec": {
			req: appRequest(admissionv1.Create, app(`null`), ""), wantPath: "spec:",
		},
		"an Application without a spec is refused naming the spec": {
			req: appRequest(admissionv1.Create, `{"kind":"Application","metadata":{"name":"shop"}}`, ""), wantPath: "spec:",
		},
		"an Application whose spec is a string is refused naming the spec": {
			req: appRequest(admissionv1.Create, app(`"x"`), ""), wantPath: "spec:",
		},
		"a source that is a number is refused naming spec.source": {
			req: appRequest(admissionv1.Create, app(`{"source":5}`), ""), wantPath: "spec.source:",
		},
		"a sources list that is an object is refused naming spec.sources": {
			req: appRequest(admissionv1.Create, app(`{"sources":{}}`), ""), wantPath: "spec.sources:",
		},
		"a second source that is a string is refused naming spec.sources[1]": {
			req:      appRequest(admissionv1.Create, app(`{"sources":[{"repoURL":"r"},"x"]}`), ""),
			wantPath: "spec.sources[1]:",
		},
		"a repoURL that is a number is refused naming its path": {
			req:      appRequest(admissionv1.Create, app(`{"sources":[{"repoURL":7,"targetRevision":"HEAD"}]}`), ""),
			wantPath: "spec.sources[0].repoURL:",
		},
		"a sourceHydrator that is a list is refused naming it": {
			req: appRequest(admissionv1.Create, app(`{"sourceHydrator":[]}`), ""), wantPath: "spec.sourceHydrator:",
		},
		"a dry source that is not an object is refused naming it": {
			req:      appRequest(admissionv1.Create, app(`{"sourceHydrator":{"drySource":true}}`), ""),
			wantPath: "spec.sourceHydrator.drySource:",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			review, err := decode.Request(tt.req, clusterconfig.DefaultLimits())
			require.Error(t, err)
			assert.Nil(t, review)
			assert.Contains(t, err.Error(), tt.wantPath)
		})
	}
}

func TestRequestDecodesAValidApplication(t *testing.T) {
	object := app(`{"project":"shop","source":{"repoURL":"https://git.example.com/platform.git","targetRevision":"main"}}`)

	review, err := decode.Request(appRequest(admissionv1.Create, object, ""), clusterconfig.DefaultLimits())

	require.NoError(t, err)
	assert.Equal(t, "uid-1", review.UID)
	assert.Equal(t, admissionv1.Create, review.Operation)
	assert.Equal(t, model.KindApplication, review.Kind)
	assert.Equal(t, "argocd", review.Namespace)
	assert.Equal(t, "shop", review.Name)
	assert.Equal(t, "alice", review.UserInfo.Username)
	assert.Equal(t, []string{"team-shop"}, review.UserInfo.Groups)
	assert.Equal(t, "main", review.Object["spec"].(map[string]any)["source"].(map[string]any)["targetRevision"])
	assert.Nil(t, review.OldObject)
}

func TestRequestAcceptsADeleteThatCarriesOnlyTheOldObject(t *testing.T) {
	review, err := decode.Request(appRequest(admissionv1.Delete, "", app(`{"source":{"repoURL":"r"}}`)), clusterconfig.DefaultLimits())

	require.NoError(t, err)
	assert.Equal(t, admissionv1.Delete, review.Operation)
	assert.Nil(t, review.Object)
	assert.Equal(t, "Application", review.OldObject["kind"])
}

func TestRequestKeepsNumbersExactlyAsWritten(t *testing.T) {
	object := app(`{"source":{"repoURL":"r"},"revisionHistoryLimit":12345678901234567890,"ratio":0.1000000000000000055511151231257827}`)

	review, err := decode.Request(appRequest(admissionv1.Create, object, ""), clusterconfig.DefaultLimits())
	require.NoError(t, err)
	out, err := json.Marshal(review.Object["spec"])

	require.NoError(t, err)
	assert.JSONEq(t, `{"source":{"repoURL":"r"},"revisionHistoryLimit":12345678901234567890,"ratio":0.1000000000000000055511151231257827}`, string(out))
	assert.Contains(t, string(out), `"revisionHistoryLimit":12345678901234567890`)
	assert.Contains(t, string(out), `"ratio":0.1000000000000000055511151231257827`)
}

func TestSourcesListsEverySourceInOrderWithItsPath(t *testing.T) {
	object, err := decode.Object([]byte(app(`{
		"sourceHydrator": {"drySource": {"repoURL": "dry"}},
		"sources": [{"repoURL": "first"}, {"repoURL": "second"}],
		"source": {"repoURL": "single"}
	}`)), nil)
	require.NoError(t, err)

	sources := model.Sources(object)

	var got [][2]string
	for _, src := range sources {
		got = append(got, [2]string{src.Path.String(), src.Fields["repoURL"].(string)})
	}
	assert.Equal(t, [][2]string{
		{"spec.source", "single"},
		{"spec.sources[0]", "first"},
		{"spec.sources[1]", "second"},
		{"spec.sourceHydrator.drySource", "dry"},
	}, got)
}

func TestSourcesHandsOutTheApplicationsOwnMaps(t *testing.T) {
	object, err := decode.Object([]byte(app(`{"source":{"repoURL":"r"}}`)), nil)
	require.NoError(t, err)

	model.Sources(object)[0].Fields["targetRevision"] = "HEAD"

	assert.Equal(t, "HEAD", object["spec"].(map[string]any)["source"].(map[string]any)["targetRevision"])
}

func TestSourcesOfAnObjectWithoutSpecIsEmpty(t *testing.T) {
	assert.Empty(t, model.Sources(map[string]any{"kind": "Application"}))
}

// withLabels is an Application object carrying labels (raw JSON).
func withLabels(labels string) string {
	return `{"apiVersion":"argoproj.io/v1alpha1","kind":"Application",` +
		`"metadata":{"name":"shop","namespace":"argocd","labels":` + labels + `},"spec":{}}`
}

func TestRequestRefusesAnObjectThatIsNotWhatTheRequestSays(t *testing.T) {
	tests := map[string]struct {
		object, oldObject string
		want              string
	}{
		"another group in the object's apiVersion": {
			object: strings.Replace(app(`{}`), "argoproj.io/v1alpha1", "evil.example.com/v1", 1),
			want:   `object.apiVersion: Invalid value: "evil.example.com/v1, kind Application": must match the request's kind: argoproj.io/v1alpha1, kind Application`,
		},
		"another kind in the object": {
			object: strings.Replace(app(`{}`), `"kind":"Application"`, `"kind":"AppProject"`, 1),
			want:   "object.apiVersion: Invalid value",
		},
		"no apiVersion in the object": {
			object: `{"kind":"Application","metadata":{"name":"shop","namespace":"argocd"},"spec":{}}`,
			want:   "object.apiVersion: Invalid value",
		},
		"another namespace in the object": {
			object: strings.Replace(app(`{}`), `"namespace":"argocd"`, `"namespace":"tenant-shop"`, 1),
			want:   `object.metadata.namespace: Invalid value: "tenant-shop": must match the request's namespace "argocd"`,
		},
		"a numeric namespace in the object": {
			object: strings.Replace(app(`{}`), `"namespace":"argocd"`, `"namespace":5`, 1),
			want:   "object.metadata.namespace: Invalid value: 5",
		},
		"another kind in the old object": {
			object:    app(`{}`),
			oldObject: strings.Replace(app(`{}`), "argoproj.io/v1alpha1", "evil.example.com/v1", 1),
			want:      "oldObject.apiVersion: Invalid value",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := decode.Request(appRequest(admissionv1.Update, tt.object, tt.oldObject), clusterconfig.DefaultLimits())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRequestRefusesWhatPassesALimitNamingIt(t *testing.T) {
	manyLabels := map[string]string{}
	for i := range 257 {
		manyLabels[fmt.Sprintf("l%d", i)] = "v"
	}
	rawLabels, _ := json.Marshal(manyLabels)
	pinned := `{"repoURL":"r","targetRevision":"3f1c9a0"}`
	tests := map[string]struct {
		object string
		want   string
	}{
		"65 sources": {
			object: app(`{"sources":[` + strings.Repeat(pinned+",", 64) + pinned + `]}`),
			want:   "spec.sources: Invalid value: 65: must list at most 64 sources (limits.maxSources)",
		},
		"a repoURL over 4096 bytes": {
			object: app(`{"source":{"repoURL":"` + strings.Repeat("r", 4097) + `"}}`),
			want:   "spec.source.repoURL: Invalid value: \"rrrr",
		},
		"257 labels": {
			object: withLabels(string(rawLabels)),
			want:   "object.metadata.labels: Invalid value: 257: must have at most 256 labels (limits.maxLabels)",
		},
		"a numeric label": {
			object: withLabels(`{"tenantguard.io/tenant":5}`),
			want:   "object.metadata.labels[tenantguard.io/tenant]: Invalid value: 5: must be a string, not a number",
		},
		"a label value Kubernetes refuses": {
			object: withLabels(`{"tenantguard.io/tenant":"` + strings.Repeat("x", 64) + `"}`),
			want:   "object.metadata.labels: Invalid value",
		},
		"labels that are a list": {
			object: withLabels(`["a"]`),
			want:   "object.metadata.labels: Invalid value",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := decode.Request(appRequest(admissionv1.Create, tt.object, ""), clusterconfig.DefaultLimits())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Less(t, len(err.Error()), 1000, "the message stays short whatever the value")
		})
	}
}

func TestRequestReadsUpToTheLimits(t *testing.T) {
	pinned := `{"repoURL":"r","targetRevision":"3f1c9a0"}`
	object := app(`{"sources":[` + strings.Repeat(pinned+",", 63) + pinned + `]}`)

	review, err := decode.Request(appRequest(admissionv1.Create, object, ""), clusterconfig.DefaultLimits())

	require.NoError(t, err)
	assert.Len(t, model.Sources(review.Object), 64)
}

func TestRefusalsClipHugeValues(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	kind := appRequest(admissionv1.Create, app(`{}`), "")
	kind.Kind.Kind = huge
	version := appRequest(admissionv1.Create, app(`{}`), "")
	version.Kind.Version = huge
	namespace := appRequest(admissionv1.Create, strings.Replace(app(`{}`), `"namespace":"argocd"`, `"namespace":"`+huge+`"`, 1), "")
	namespace.Namespace = huge + "y"
	for name, req := range map[string]admission.Request{"kind": kind, "version": version, "namespace": namespace} {
		_, err := decode.Request(req, clusterconfig.DefaultLimits())
		require.Error(t, err, name)
		assert.Less(t, len(err.Error()), 1000, name)
	}
}
