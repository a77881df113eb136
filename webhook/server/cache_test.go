package server

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// decoded is a Namespace whose strings are each a copy of their own, as
// objects decoded from the API server's answers are.
func decoded(name string) *corev1.Namespace {
	own := func(s string) string { return string([]byte(s)) }
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:            name,
		Labels:          map[string]string{own("tenantguard.io/tenant"): own("shop")},
		Finalizers:      []string{own("tenantguard.io/supervisor")},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: own("tenantguard.io/v1alpha1"), Kind: own("Tenant"), Name: "shop"}},
		ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "tenantguard-supervisor"}},
	}}
}

func sameMemory(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }

func TestCompactMetadataSharesRepeatedStringsAndDropsManagedFields(t *testing.T) {
	a, b := decoded("tenant-a"), decoded("tenant-b")
	for _, obj := range []*corev1.Namespace{a, b} {
		out, err := compactMetadata(obj)
		require.NoError(t, err)
		assert.Same(t, obj, out)
		assert.Empty(t, obj.ManagedFields)
	}
	assert.Equal(t, map[string]string{"tenantguard.io/tenant": "shop"}, b.Labels, "the labels read the same")
	for key := range a.Labels {
		for other := range b.Labels {
			assert.True(t, sameMemory(key, other), "one copy of a label key")
			assert.True(t, sameMemory(a.Labels[key], b.Labels[other]), "one copy of a label value")
		}
	}
	assert.True(t, sameMemory(a.Finalizers[0], b.Finalizers[0]))
	assert.True(t, sameMemory(a.OwnerReferences[0].Kind, b.OwnerReferences[0].Kind))
	assert.Equal(t, "tenant-b", b.Name)
}

func TestTheInternerIsBounded(t *testing.T) {
	in := &interner{strings: map[string]string{}}
	for i := range internedMax + 100 {
		in.intern(fmt.Sprintf("value-%d", i))
	}
	assert.Len(t, in.strings, internedMax)
	long := string(make([]byte, internedLength+1))
	in = &interner{strings: map[string]string{}}
	in.intern(long)
	assert.Empty(t, in.strings, "long strings are not kept")
}

func TestCompactMetadataKeepsWhatIsNotAnObject(t *testing.T) {
	out, err := compactMetadata("a tombstone key")
	require.NoError(t, err)
	assert.Equal(t, "a tombstone key", out)
}
