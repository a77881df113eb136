package e2e

import (
	"cmp"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/test/support/cluster"
)

const (
	// approver is the user suiteConfig names in exceptions.approvers;
	// approverGroup its group in exceptions.approverGroups.
	approver      = "oncall-lead"
	approverGroup = "platform-approvers"
	// bystander has the approver role's RBAC but is named nowhere in the
	// cluster config: RBAC alone makes no approver.
	bystander = "mallory"
)

// pinException waives app-pinned-revision for one Application for an hour,
// as an approver writes it in an incident; the requester wrote someone else
// as the approver. No other test writes that Application, whose findings it
// would waive.
func pinException(name string) *tenantv1.PolicyException {
	expires := metav1.NewTime(time.Now().Add(time.Hour).Truncate(time.Second))
	return &tenantv1.PolicyException{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: tenantv1.PolicyExceptionSpec{
			Rules:       []string{"app-pinned-revision"},
			Match:       tenantv1.ExceptionMatch{Kind: "Application", Namespace: "argocd", Names: []string{"shop-under-incident"}},
			Reason:      "INC-4211: hold production on the last good commit",
			RequestedBy: "alice",
			Expires:     &expires,
			ApprovedBy:  "the-cto",
		},
	}
}

func TestAnApproversExceptionRecordsTheApproverFromTheRequest(t *testing.T) {
	ctx := context.Background()
	c := exceptionWriter(t, approver, "system:authenticated")
	e := pinException("inc-4211-approved")
	require.NoError(t, c.Create(ctx, e))
	t.Cleanup(func() { _ = env.Client.Delete(ctx, e) })

	var got tenantv1.PolicyException
	require.NoError(t, env.Client.Get(ctx, client.ObjectKeyFromObject(e), &got))
	assert.Equal(t, approver, got.Spec.ApprovedBy, "the approver is the request's user, not what the requester wrote")

	got.Spec.Reason = "INC-4211: still holding"
	got.Spec.ApprovedBy = "someone-else"
	require.NoError(t, c.Update(ctx, &got))
	assert.Equal(t, approver, got.Spec.ApprovedBy, "an update records its user again")
}

func TestAMemberOfAnApproverGroupMayWriteAnException(t *testing.T) {
	c := exceptionWriter(t, "bob", "system:authenticated", approverGroup)
	e := pinException("inc-4211-by-group")
	require.NoError(t, c.Create(context.Background(), e))
	t.Cleanup(func() { _ = env.Client.Delete(context.Background(), e) })
	assert.Equal(t, "bob", e.Spec.ApprovedBy)
}

func TestAnExceptionIsRefusedNamingTheRule(t *testing.T) {
	tests := map[string]struct {
		user string
		edit func(*tenantv1.PolicyException)
		want []string
	}{
		"written by a user with RBAC whom the config does not name": {
			user: bystander,
			want: []string{`[exception-approver] PolicyException inc-4211-refused: "mallory" is not an exception approver`},
		},
		"without an expiry": {
			edit: func(e *tenantv1.PolicyException) { e.Spec.Expires = nil },
			want: []string{"[exception-expiry] PolicyException inc-4211-refused: spec.expires is missing"},
		},
		"expiring in 30 days": {
			edit: func(e *tenantv1.PolicyException) {
				in30Days := metav1.NewTime(time.Now().Add(30 * 24 * time.Hour))
				e.Spec.Expires = &in30Days
			},
			want: []string{"[exception-expiry] PolicyException inc-4211-refused: spec.expires ",
				"lies more than 168h0m0s (exceptions.maxDuration) after the time of this request"},
		},
		"naming an unknown rule": {
			edit: func(e *tenantv1.PolicyException) { e.Spec.Rules = []string{"app-pinned-revison"} },
			want: []string{`[exception-rules] PolicyException inc-4211-refused: spec.rules[0] "app-pinned-revison" is no rule tenantguard knows`},
		},
		"matching every Application": {
			edit: func(e *tenantv1.PolicyException) { e.Spec.Match.Names = nil },
			want: []string{"[exception-too-wide] PolicyException inc-4211-refused: spec.match names neither objects nor a tenant"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := pinException("inc-4211-refused")
			if tc.edit != nil {
				tc.edit(e)
			}
			err := exceptionWriter(t, cmp.Or(tc.user, approver), "system:authenticated").Create(context.Background(), e)
			require.Error(t, err, "the exception was stored")
			assert.True(t, apierrors.IsForbidden(err), "a 403: %v", err)
			assert.Contains(t, err.Error(), `admission webhook "validate.tenantguard.io" denied the request`)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

// exceptionWriter is a client that acts as user in groups, bound to the
// approver role of config/rbac as an operator binds it. It returns once
// RBAC lets the user write exceptions, so that a refusal is the webhook's.
func exceptionWriter(t *testing.T, user string, groups ...string) client.Client {
	t.Helper()
	ctx := context.Background()
	installExceptionRoles(t)
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "e2e-exception-approver-"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "tenantguard-exception-approver"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
	}
	require.NoError(t, env.Client.Create(ctx, binding))
	t.Cleanup(func() { _ = env.Client.Delete(ctx, binding) })
	cfg := rest.CopyConfig(env.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user, Groups: groups}
	c, err := client.New(cfg, client.Options{Scheme: env.Client.Scheme()})
	require.NoError(t, err)
	// RBAC takes a moment to see the new binding; a dry run of an empty
	// exception is refused by the API server's schema, past RBAC.
	require.Eventually(t, func() bool {
		err := c.Create(ctx, &tenantv1.PolicyException{ObjectMeta: metav1.ObjectMeta{Name: "rbac-probe"}}, client.DryRunAll)
		return err != nil && !strings.Contains(err.Error(), "cannot create resource")
	}, 10*time.Second, 100*time.Millisecond)
	return c
}

// installExceptionRoles creates the exception roles of config/rbac, once.
func installExceptionRoles(t *testing.T) {
	t.Helper()
	objs, err := cluster.ReadObjects(filepath.Join(env.Root, "config", "rbac", "exception_roles.yaml"))
	require.NoError(t, err)
	for _, obj := range objs {
		if err := env.Client.Create(context.Background(), obj); err != nil && !apierrors.IsAlreadyExists(err) {
			require.NoError(t, err)
		}
	}
}
