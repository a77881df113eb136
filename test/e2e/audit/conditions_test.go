package audit

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

func TestTheAuditsConditionAndTheSupervisorsLiveSideBySide(t *testing.T) {
	tenant := createTenant(t, "amd64")
	ns := createNamespace(t)
	createApplication(t, ns, tenant)
	setArch(t, tenant, "arm64")
	waitForCompliance(t, tenant.Name, metav1.ConditionFalse)

	// The supervisor applies its conditions again for the arch change (its
	// Application's nodeSelector); the audit's condition stays, and the
	// supervisor's are not taken over by the audit's writes.
	var stored tenantv1.Tenant
	require.Eventually(t, func() bool {
		if err := reader.Get(context.Background(), client.ObjectKey{Name: tenant.Name}, &stored); err != nil {
			return false
		}
		return meta.IsStatusConditionTrue(stored.Status.Conditions, tenantv1.ConditionReady)
	}, within, 50*time.Millisecond, "the supervisor reports the Tenant Ready")
	compliant := meta.FindStatusCondition(stored.Status.Conditions, tenantv1.ConditionPolicyCompliant)
	require.NotNil(t, compliant, "the supervisor's writes leave the audit's condition")
	assert.Equal(t, metav1.ConditionFalse, compliant.Status)
	owners := map[string][]string{}
	for _, f := range stored.ManagedFields {
		if f.Subresource == "status" {
			owners[f.Manager] = append(owners[f.Manager], f.FieldsV1.GetRawString())
		}
	}
	require.Contains(t, owners, "tenantguard-audit")
	require.Contains(t, owners, "tenantguard-supervisor")
	assert.Contains(t, owners["tenantguard-audit"][0], `"k:{\"type\":\"PolicyCompliant\"}"`)
	assert.NotContains(t, owners["tenantguard-audit"][0], `"k:{\"type\":\"Ready\"}"`, "the audit owns only its condition")
	assert.NotContains(t, owners["tenantguard-supervisor"][0], `PolicyCompliant`, "the supervisor owns none of the audit's")
}
