package supervisor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/tenantguard/tenantguard/engine/policy"
)

func application(revision string) *unstructured.Unstructured {
	u := newObject(applicationGVK)
	u.SetNamespace("argocd")
	u.SetName("tenant-blog")
	_ = unstructured.SetNestedField(u.Object, revision, "spec", "source", "targetRevision")
	return u
}

// judgeFinding answers as the rules would about a pinned Application: one
// app-pinned-revision finding, waived or not.
func judgeFinding(waiver *policy.Waiver) Judge {
	return func(context.Context, map[string]any) (policy.Findings, error) {
		return policy.Findings{{Rule: pinnedRevisionRule, Enforcement: policy.Deny, Field: revisionField, WaivedBy: waiver}}, nil
	}
}

func TestAWaivedPinIsKeptAndAnyOtherIsUndone(t *testing.T) {
	waiver := &policy.Waiver{Name: "inc-4211-hold-blog", Expires: "2026-12-06T18:00:00Z"}
	for name, c := range map[string]struct {
		judge Judge
		want  string
	}{
		"waived: the live revision is kept":           {judgeFinding(waiver), "3f1c9a07"},
		"not waived: the Tenant's revision":           {judgeFinding(nil), "HEAD"},
		"no judge: the Tenant's revision":             {nil, "HEAD"},
		"nothing found on the revision: the Tenant's": {func(context.Context, map[string]any) (policy.Findings, error) { return nil, nil }, "HEAD"},
	} {
		t.Run(name, func(t *testing.T) {
			s := &Supervisor{judge: c.judge}
			desired := application("HEAD")

			held, err := s.coversKeeping(t.Context(), application("3f1c9a07"), desired)

			require.NoError(t, err)
			got, _, _ := unstructured.NestedString(desired.Object, "spec", "source", "targetRevision")
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.want == "3f1c9a07", held, "the live Application holds what is wanted only when the pin is kept")
		})
	}
}

func TestOneUnwaivedFindingOnTheRevisionUndoesThePin(t *testing.T) {
	findings := policy.Findings{
		{Rule: pinnedRevisionRule, Field: revisionField, WaivedBy: &policy.Waiver{Name: "a", Expires: "2026-12-06T18:00:00Z"}},
		{Rule: pinnedRevisionRule, Field: revisionField},
	}
	assert.False(t, onlyWaived(findings, pinnedRevisionRule, revisionField))
	assert.True(t, onlyWaived(findings[:1], pinnedRevisionRule, revisionField))
	assert.False(t, onlyWaived(nil, pinnedRevisionRule, revisionField))
}
