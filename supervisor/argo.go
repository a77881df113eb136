package supervisor

import (
	"crypto/sha256"
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// specDigest stands for an object's spec in the cache: the SHA-256 of its
// canonical JSON, cut to 128 bits, in place of some 500 bytes of spec per
// AppProject and Application. The supervisor compares it with the digest
// of the spec it applies; only when they differ does it read the spec
// from the API server (apply.go, holds).
type specDigest [16]byte

// UnmarshalJSON digests the spec as the cache decodes it: its bytes are
// never kept.
func (d *specDigest) UnmarshalJSON(data []byte) error {
	digest, err := digestJSON(data)
	*d = digest
	return err
}

// MarshalJSON writes no spec: the cache holds none to give.
func (d specDigest) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// digestJSON is the digest of a JSON value in its canonical form (keys
// sorted, no spaces, numbers as Go writes a float64), so that the spec the
// API server sends and the one the supervisor builds digest alike.
func digestJSON(data []byte) (specDigest, error) {
	var value any
	if err := json.Unmarshal(data, &value); err != nil {
		return specDigest{}, err
	}
	canonical, err := json.Marshal(value)
	if err != nil {
		return specDigest{}, err
	}
	sum := sha256.Sum256(canonical)
	return specDigest(sum[:16]), nil
}

// digestOf is the digest of a spec the supervisor builds.
func digestOf(spec any) (specDigest, error) {
	data, err := json.Marshal(spec)
	if err != nil {
		return specDigest{}, err
	}
	return digestJSON(data)
}

// cachedProject is an AppProject as the cache holds it: typed metadata and
// the spec's digest. Argo CD's status of a project is not read.
type cachedProject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              specDigest `json:"spec,omitzero"`
}

// cachedApplication is an Application as the cache holds it: typed
// metadata, the spec's digest, and of Argo CD's status (its resources,
// history and operation state being most of an Application's size) only
// the sync and health the supervisor mirrors into the Tenant's status.
type cachedApplication struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              specDigest        `json:"spec,omitzero"`
	Status            applicationStatus `json:"status,omitzero"`
}

// heldDigest is the digest standing for obj's spec when the cache holds obj
// without its spec, nil when it holds the spec itself.
func heldDigest(obj runtime.Object) *specDigest {
	switch o := obj.(type) {
	case *cachedProject:
		return &o.Spec
	case *cachedApplication:
		return &o.Spec
	}
	return nil
}

// applicationStatus is the part of an Application's status the supervisor reads.
type applicationStatus struct {
	Sync   statusField `json:"sync,omitzero"`
	Health statusField `json:"health,omitzero"`
}

// statusField is a status object of which only the status string is read.
type statusField struct {
	Status string `json:"status,omitempty"`
}

// cachedProjectList is the list the cache's informer reads AppProjects in.
type cachedProjectList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []cachedProject `json:"items"`
}

// cachedApplicationList is the list the cache's informer reads Applications in.
type cachedApplicationList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []cachedApplication `json:"items"`
}

// DeepCopyObject copies the project; the cache hands out copies.
func (p *cachedProject) DeepCopyObject() runtime.Object {
	out := &cachedProject{TypeMeta: p.TypeMeta, Spec: p.Spec}
	p.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	return out
}

// DeepCopyObject copies the Application; the cache hands out copies.
func (a *cachedApplication) DeepCopyObject() runtime.Object {
	out := &cachedApplication{TypeMeta: a.TypeMeta, Spec: a.Spec, Status: a.Status}
	a.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	return out
}

// DeepCopyObject copies the list.
func (l *cachedProjectList) DeepCopyObject() runtime.Object {
	out := &cachedProjectList{TypeMeta: l.TypeMeta}
	l.ListMeta.DeepCopyInto(&out.ListMeta)
	out.Items = make([]cachedProject, len(l.Items))
	for i := range l.Items {
		out.Items[i] = *l.Items[i].DeepCopyObject().(*cachedProject)
	}
	return out
}

// DeepCopyObject copies the list.
func (l *cachedApplicationList) DeepCopyObject() runtime.Object {
	out := &cachedApplicationList{TypeMeta: l.TypeMeta}
	l.ListMeta.DeepCopyInto(&out.ListMeta)
	out.Items = make([]cachedApplication, len(l.Items))
	for i := range l.Items {
		out.Items[i] = *l.Items[i].DeepCopyObject().(*cachedApplication)
	}
	return out
}
