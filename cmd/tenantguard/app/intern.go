package app

import (
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// maxInterned bounds the strings the cache shares: label keys, the values
// that repeat (environments, Pod Security levels, managed-by), owner kinds,
// finalizers and condition reasons are a few dozen; the bound keeps labels
// that never repeat from growing the table without end.
const maxInterned = 4096

// interner gives one copy of each string it was given, up to maxInterned
// distinct strings; past that it gives new strings back as they are. Each
// object the cache decodes has its own copy of every string, and at 10,000
// Tenants the same label keys and values are some 35,000 copies each.
type interner struct {
	mu      sync.Mutex
	strings map[string]string
}

func newInterner() *interner { return &interner{strings: map[string]string{}} }

func (in *interner) intern(s string) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	if shared, ok := in.strings[s]; ok {
		return shared
	}
	if len(in.strings) < maxInterned {
		in.strings[s] = s
	}
	return s
}

// uniqueLabels are labels whose values are each object's own: sharing them
// would fill the table with strings that never repeat.
var uniqueLabels = map[string]bool{tenantv1.TenantLabel: true, "kubernetes.io/metadata.name": true}

// share makes obj's repeated strings the interner's copies: label keys and
// the values of labels that repeat, owner references' API versions and
// kinds, finalizers, and a Tenant's environment, arch and condition types,
// statuses and reasons. A map of labels is built anew (its keys cannot be
// replaced in place); everything else is replaced where it is.
func (in *interner) share(obj metav1.Object) {
	if labels := obj.GetLabels(); len(labels) > 0 {
		shared := make(map[string]string, len(labels))
		for k, v := range labels {
			if !uniqueLabels[k] {
				v = in.intern(v)
			}
			shared[in.intern(k)] = v
		}
		obj.SetLabels(shared)
	}
	refs := obj.GetOwnerReferences()
	for i := range refs {
		refs[i].APIVersion, refs[i].Kind = in.intern(refs[i].APIVersion), in.intern(refs[i].Kind)
	}
	finalizers := obj.GetFinalizers()
	for i := range finalizers {
		finalizers[i] = in.intern(finalizers[i])
	}
	if t, ok := obj.(*tenantv1.Tenant); ok {
		t.Spec.Environment, t.Spec.Arch = in.intern(t.Spec.Environment), in.intern(t.Spec.Arch)
		for i := range t.Status.Conditions {
			c := &t.Status.Conditions[i]
			c.Type, c.Status, c.Reason = in.intern(c.Type), metav1.ConditionStatus(in.intern(string(c.Status))), in.intern(c.Reason)
		}
	}
}
