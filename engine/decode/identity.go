package decode

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/tenantguard/tenantguard/engine/model"
)

// checkIdentity refuses an object that is not what the request says it is:
// the rules read the object's apiVersion, kind and namespace, and the handler
// chose them by the request's, so the two must agree. kube-apiserver always
// sends agreeing ones; only a direct caller can send others.
func checkIdentity(obj map[string]any, path *field.Path, kind metav1.GroupVersionKind, namespace string) field.ErrorList {
	if obj == nil {
		return nil
	}
	var errs field.ErrorList
	apiVersion, _ := obj["apiVersion"].(string)
	objKind, _ := obj["kind"].(string)
	want := schema.GroupVersionKind{Group: kind.Group, Version: kind.Version, Kind: kind.Kind}
	if got := schema.FromAPIVersionAndKind(apiVersion, objKind); got != want {
		errs = append(errs, field.Invalid(path.Child("apiVersion"), model.Clip(fmt.Sprintf("%v, kind %v", obj["apiVersion"], obj["kind"])),
			fmt.Sprintf("must match the request's kind: %s/%s, kind %s", want.Group, model.Clip(want.Version), want.Kind)))
	}
	meta, _ := obj["metadata"].(map[string]any)
	if got, _ := meta["namespace"].(string); got != namespace || !isStringOrAbsent(meta["namespace"]) {
		errs = append(errs, field.Invalid(path.Child("metadata", "namespace"), clipped(meta["namespace"]),
			fmt.Sprintf("must match the request's namespace %q", model.Clip(namespace))))
	}
	return errs
}

// checkLabels refuses more than maxLabels labels, and labels Kubernetes would
// not store: the rules and the defaults read them, and messages print them.
func checkLabels(obj map[string]any, path *field.Path, maxLabels int) field.ErrorList {
	meta, _ := obj["metadata"].(map[string]any)
	raw, present := meta["labels"]
	if !present || raw == nil {
		return nil
	}
	labelsPath := path.Child("metadata", "labels")
	labels, ok := raw.(map[string]any)
	if !ok {
		return field.ErrorList{mustBe(labelsPath, raw, "an object")}
	}
	if len(labels) > maxLabels {
		return field.ErrorList{overLimit(labelsPath, len(labels), fmt.Sprintf("must have at most %d labels", maxLabels), "limits.maxLabels")}
	}
	strings := make(map[string]string, len(labels))
	var errs field.ErrorList
	for key, value := range labels {
		s, ok := value.(string)
		if !ok {
			errs = append(errs, mustBe(labelsPath.Key(key), value, "a string"))
			continue
		}
		strings[key] = s
	}
	return append(errs, metavalidation.ValidateLabels(strings, labelsPath)...)
}

// clipped is a value as a message shows it: a string clipped, any other value as it is.
func clipped(value any) any {
	if s, ok := value.(string); ok {
		return model.Clip(s)
	}
	return value
}

func isStringOrAbsent(value any) bool {
	_, ok := value.(string)
	return ok || value == nil
}
