package app

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

func TestTheCacheKeepsNeitherManagedFieldsNorKubectlsCopyOfTheObject(t *testing.T) {
	tenant := &tenantv1.Tenant{
		ObjectMeta: metav1.ObjectMeta{
			Name:          "shop",
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}},
			Annotations: map[string]string{
				corev1.LastAppliedConfigAnnotation: `{"apiVersion":"tenantguard.io/v1alpha1","kind":"Tenant","spec":{"environment":"staging"}}`,
				"team":                             "payments",
			},
		},
		Spec: tenantv1.TenantSpec{Environment: "staging"},
	}
	out, err := trimCached(tenant)
	require.NoError(t, err)
	trimmed := out.(*tenantv1.Tenant)
	assert.Nil(t, trimmed.ManagedFields)
	assert.Equal(t, map[string]string{"team": "payments"}, trimmed.Annotations, "other annotations stay")
	assert.Equal(t, "staging", trimmed.Spec.Environment)

	onlyKubectls := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "n", Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: "{}"}}}
	out, err = trimCached(onlyKubectls)
	require.NoError(t, err)
	assert.Nil(t, out.(*corev1.Namespace).Annotations)

	tombstone := toolscache.DeletedFinalStateUnknown{Key: "shop", Obj: tenant}
	out, err = trimCached(tombstone)
	require.NoError(t, err)
	assert.Equal(t, tombstone, out, "what is not an object is left as it is")
}
