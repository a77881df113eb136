package decode

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

// Review is an admission request in the form the pipeline reads.
type Review struct {
	// UID identifies the request in logs.
	UID string
	// Operation is CREATE, UPDATE, DELETE or CONNECT.
	Operation admissionv1.Operation
	// Kind is the kind of the object under review.
	Kind model.Kind
	// Namespace and Name identify the object.
	Namespace, Name string
	// Object is the object as it would be stored; nil on DELETE.
	Object map[string]any
	// OldObject is the stored object on UPDATE and DELETE; nil on CREATE.
	OldObject map[string]any
	// UserInfo is who sent the request.
	UserInfo authenticationv1.UserInfo
	// Generated are the Applications an ApplicationSet makes, each decoded as
	// the CREATE of an Application by the same user; nil for other kinds.
	Generated []Generated
}

// Request decodes an admission request into a Review within limits. The error
// names the field that could not be read, or the limit it passed.
func Request(req admission.Request, limits clusterconfig.Limits) (*Review, error) {
	gk := schema.GroupKind{Group: req.Kind.Group, Kind: req.Kind.Kind}
	kind, ok := model.KindOf(gk)
	if !ok {
		return nil, fmt.Errorf("kind: %q in group %q is not admitted by tenantguard", model.Clip(gk.Kind), model.Clip(gk.Group))
	}
	review := &Review{
		UID: string(req.UID), Operation: req.Operation, Kind: kind,
		Namespace: req.Namespace, Name: req.Name, UserInfo: req.UserInfo,
	}
	var err error
	if review.Object, err = Object(req.Object.Raw, field.NewPath("object")); err != nil {
		return nil, err
	}
	if review.OldObject, err = Object(req.OldObject.Raw, field.NewPath("oldObject")); err != nil {
		return nil, err
	}
	if review.Object == nil && req.Operation != admissionv1.Delete {
		return nil, field.Required(field.NewPath("object"), "the request carries no object to admit")
	}
	if err := checkObjects(review, req.Kind, limits).ToAggregate(); err != nil {
		return nil, err
	}
	return review, nil
}

// checkObjects refuses an object or old object that is not the request's, or
// that carries what the pipeline cannot read within limits.
func checkObjects(review *Review, kind metav1.GroupVersionKind, limits clusterconfig.Limits) field.ErrorList {
	var errs field.ErrorList
	for _, o := range []struct {
		obj  map[string]any
		path *field.Path
	}{{review.Object, field.NewPath("object")}, {review.OldObject, field.NewPath("oldObject")}} {
		errs = append(errs, checkIdentity(o.obj, o.path, kind, review.Namespace)...)
		errs = append(errs, checkLabels(o.obj, o.path, limits.MaxLabels)...)
	}
	if review.Kind == model.KindApplication {
		errs = append(errs, checkApplication(review.Object, limits)...)
	}
	// An ApplicationSet's status writes and the updates of its deletion are
	// out of the pipeline's scope: they never wait on its rendering.
	if review.Kind == model.KindApplicationSet && len(errs) == 0 && !review.OnlyStatusChanged() && !review.Deleting() {
		errs = append(errs, generate(review, limits)...)
	}
	return errs
}

// overLimit is the error of a value past one of the configured limits, which
// it names so that an operator knows what to raise.
func overLimit(path *field.Path, value any, detail, limit string) *field.Error {
	return field.Invalid(path, value, detail+" ("+limit+")")
}

// Object decodes a raw JSON object, keeping numbers exactly as written so that
// re-encoding it changes nothing. Empty input and JSON null decode to nil.
func Object(raw []byte, path *field.Path) (map[string]any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	obj, err := readJSONObject(raw)
	if err != nil {
		return nil, field.Invalid(path, shorten(raw), fmt.Sprintf("must be a JSON object: %v", err))
	}
	return obj, nil
}

// shorten keeps error messages readable when the offending body is large.
func shorten(raw []byte) string {
	if len(raw) > 2*model.ClipAt { // no copy of a large body just to clip it
		raw = raw[:2*model.ClipAt]
	}
	return model.Clip(string(raw))
}

// Judged is the object the review is judged by: Object, or on a DELETE,
// which carries none, the stored OldObject; nil when it has neither.
func (r *Review) Judged() map[string]any {
	if r.Object == nil {
		return r.OldObject
	}
	return r.Object
}

// Deleting reports whether the review updates an object kube-apiserver is
// deleting: the stored object, OldObject, has a deletionTimestamp. A CREATE
// is never one (kube-apiserver drops the field on create), so a manifest that
// writes the field is judged like any other.
func (r *Review) Deleting() bool {
	return r.Operation == admissionv1.Update && metaField(r.OldObject, "deletionTimestamp") != nil
}

// OnlyFinalizersRemoved reports whether an UPDATE of an object being deleted
// does what its deletion needs and nothing else: it removes finalizers (Argo
// CD's once it has pruned, the supervisor's once it has cleaned up) and leaves
// spec and labels as they were. Every other update of an object being deleted
// is judged like any update: deletion is no window to write what the rules
// refuse, and the finalizers keep it stored for as long as anyone wants.
func (r *Review) OnlyFinalizersRemoved() bool {
	if !r.Deleting() || r.Object == nil {
		return false
	}
	return r.specAndLabelsKept() && subsetOf(metaField(r.Object, "finalizers"), metaField(r.OldObject, "finalizers"))
}

// subsetOf reports whether every finalizer of now was in before: none added.
func subsetOf(now, before any) bool {
	was, _ := before.([]any)
	is, _ := now.([]any)
	for _, f := range is {
		if !slices.Contains(was, f) {
			return false
		}
	}
	return true
}

// OnlyStatusChanged reports whether an UPDATE leaves spec, labels and
// finalizers as they were: Argo CD's controller writes status and operation
// constantly, and those writes pass untouched.
func (r *Review) OnlyStatusChanged() bool {
	if r.Operation != admissionv1.Update || r.Object == nil || r.OldObject == nil {
		return false
	}
	return r.specAndLabelsKept() &&
		reflect.DeepEqual(metaField(r.Object, "finalizers"), metaField(r.OldObject, "finalizers"))
}

// specAndLabelsKept reports whether an UPDATE leaves spec and labels as they
// were, what the rules read besides finalizers; both objects are present.
func (r *Review) specAndLabelsKept() bool {
	return reflect.DeepEqual(r.Object["spec"], r.OldObject["spec"]) &&
		reflect.DeepEqual(metaField(r.Object, "labels"), metaField(r.OldObject, "labels"))
}

func metaField(obj map[string]any, name string) any {
	meta, _ := obj["metadata"].(map[string]any)
	return meta[name]
}

// Manifest reads a rendered manifest as the review kube-apiserver would send
// when it is first applied: a CREATE of the object by nobody in particular,
// checked as a request is. It returns nil for kinds tenantguard does not admit.
func Manifest(obj map[string]any, limits clusterconfig.Limits) (*Review, error) {
	kind, ok := model.KindOfObject(obj)
	if !ok {
		return nil, nil
	}
	apiVersion, _ := obj["apiVersion"].(string)
	gvk := schema.FromAPIVersionAndKind(apiVersion, string(kind))
	review := &Review{
		Operation: admissionv1.Create, Kind: kind,
		Namespace: model.Namespace(obj), Name: model.Name(obj), Object: obj,
	}
	requestKind := metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}
	if err := checkObjects(review, requestKind, limits).ToAggregate(); err != nil {
		return nil, err
	}
	return review, nil
}
