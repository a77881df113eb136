package audit

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tenantguard/tenantguard/supervisor"
	tenantv1 "github.com/tenantguard/tenantguard/webhook/api/v1alpha1"
)

// applyReady applies a Ready condition to a Tenant's status as the
// supervisor does: by server-side apply of its own conditions, under its
// field manager, forcing ownership.
func applyReady(t *testing.T, name string, status metav1.ConditionStatus) {
	t.Helper()
	cond := map[string]any{"type": tenantv1.ConditionReady, "status": string(status), "reason": "Test",
		"message": "applied by the test as the supervisor", "lastTransitionTime": time.Now().UTC().Format(time.RFC3339)}
	u := &unstructured.Unstructured{Object: map[string]any{
		"metadata": map[string]any{"name": name},
		"status":   map[string]any{"conditions": []any{cond}},
	}}
	u.SetGroupVersionKind(tenantv1.GroupVersion.WithKind("Tenant"))
	require.NoError(t, env.Client.Status().Apply(context.Background(), client.ApplyConfigurationFromUnstructured(u),
		client.FieldOwner(supervisor.FieldManager), client.ForceOwnership))
}

func TestTheAuditsConditionAndTheSupervisorsLiveSideBySide(t *testing.T) {
	tenant := createTenant(t, "amd64")
	applyReady(t, tenant.Name, metav1.ConditionFalse)
	waitForCompliance(t, tenant.Name, metav1.ConditionTrue)

	ns := createNamespace(t)
	createApplication(t, ns, tenant)
	setArch(t, tenant, "arm64")
	waitForCompliance(t, tenant.Name, metav1.ConditionFalse)
	applyReady(t, tenant.Name, metav1.ConditionTrue)

	var stored tenantv1.Tenant
	require.NoError(t, reader.Get(context.Background(), client.ObjectKey{Name: tenant.Name}, &stored))
	ready := meta.FindStatusCondition(stored.Status.Conditions, tenantv1.ConditionReady)
	require.NotNil(t, ready, "the audit's writes leave the supervisor's condition")
	assert.Equal(t, metav1.ConditionTrue, ready.Status)
	compliant := meta.FindStatusCondition(stored.Status.Conditions, tenantv1.ConditionPolicyCompliant)
	require.NotNil(t, compliant, "the supervisor's writes leave the audit's condition")
	assert.Equal(t, metav1.ConditionFalse, compliant.Status)
}
