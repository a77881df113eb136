package supervisor

import (
	"bytes"
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// cachedProject is an AppProject as the cache holds it: typed metadata and
// the spec as sent. Argo CD's status of a project is not read.
type cachedProject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the spec's JSON, kept as bytes: the supervisor compares it
	// with what it applies only when a Tenant is reconciled.
	Spec json.RawMessage `json:"spec,omitempty"`
}

// cachedApplication is an Application as the cache holds it: typed
// metadata, the spec as sent, and of Argo CD's status (its resources,
// history and operation state being most of an Application's size) only
// the sync and health the supervisor mirrors into the Tenant's status.
type cachedApplication struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              json.RawMessage   `json:"spec,omitempty"`
	Status            applicationStatus `json:"status,omitzero"`
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
	out := &cachedProject{TypeMeta: p.TypeMeta, Spec: bytes.Clone(p.Spec)}
	p.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	return out
}

// DeepCopyObject copies the Application; the cache hands out copies.
func (a *cachedApplication) DeepCopyObject() runtime.Object {
	out := &cachedApplication{TypeMeta: a.TypeMeta, Spec: bytes.Clone(a.Spec), Status: a.Status}
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
