package app

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// fresh is a copy of s in memory of its own, as a decoder makes one.
func fresh(s string) string { return strings.Clone(s) }

// same reports whether two strings share their bytes.
func same(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }

func namespace(tenant string) *corev1.Namespace {
	yes := true
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name: "tenant-" + tenant,
		Labels: map[string]string{
			fresh("pod-security.kubernetes.io/enforce"): fresh("restricted"),
			fresh(tenantv1.TenantLabel):                 fresh(tenant),
		},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: fresh("tenantguard.io/v1alpha1"), Kind: fresh("Tenant"), Name: tenant, Controller: &yes}},
		Finalizers:      []string{fresh("example.com/keep")},
	}}
}

func TestTheCacheSharesTheStringsThatRepeatAcrossObjects(t *testing.T) {
	in := newInterner()
	a, b := namespace("shop"), namespace("blog")
	in.share(a)
	in.share(b)

	assert.Equal(t, map[string]string{"pod-security.kubernetes.io/enforce": "restricted", tenantv1.TenantLabel: "blog"}, b.Labels, "the labels are unchanged")
	assert.Equal(t, "Tenant", b.OwnerReferences[0].Kind)
	for k, v := range a.Labels {
		for k2, v2 := range b.Labels {
			if k == k2 {
				assert.True(t, same(k, k2), "one copy of the key %s", k)
				if k == "pod-security.kubernetes.io/enforce" {
					assert.True(t, same(v, v2), "one copy of the value of %s", k)
				}
			}
		}
	}
	assert.True(t, same(a.OwnerReferences[0].APIVersion, b.OwnerReferences[0].APIVersion))
	assert.True(t, same(a.OwnerReferences[0].Kind, b.OwnerReferences[0].Kind))
	assert.True(t, same(a.Finalizers[0], b.Finalizers[0]))
	assert.NotContains(t, in.strings, "shop", "a tenant label's value is each object's own: not kept")

	tenant := func() *tenantv1.Tenant {
		return &tenantv1.Tenant{
			Spec:   tenantv1.TenantSpec{Environment: fresh("staging"), Arch: fresh("arm64")},
			Status: tenantv1.TenantStatus{Conditions: []metav1.Condition{{Type: fresh("Ready"), Status: metav1.ConditionStatus(fresh("True")), Reason: fresh("Ready"), Message: fresh("applied")}}},
		}
	}
	x, y := tenant(), tenant()
	in.share(x)
	in.share(y)
	assert.True(t, same(x.Spec.Environment, y.Spec.Environment))
	assert.True(t, same(x.Status.Conditions[0].Reason, y.Status.Conditions[0].Reason))
	assert.False(t, same(x.Status.Conditions[0].Message, y.Status.Conditions[0].Message), "messages are not shared")
}

func TestTheSharedStringsAreBounded(t *testing.T) {
	in := newInterner()
	for i := range maxInterned + 100 {
		in.share(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{fmt.Sprintf("key-%d", i): "v"}}})
	}
	assert.Len(t, in.strings, maxInterned)
	late := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"late": "v"}}}
	in.share(late)
	assert.Equal(t, map[string]string{"late": "v"}, late.Labels, "past the bound, strings are kept as they are")
}
