package exceptionlookup

import (
	"context"
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/model"
)

// KeyIndex is the cache index of PolicyExceptions by Keys.
const KeyIndex = "tenantguard.io/exception-key"

// Finder looks exceptions up in the manager's cache, and only there, through
// KeyIndex: a review reads and converts only the exceptions that may apply
// to its object, however many the cluster holds.
type Finder struct {
	// Reader is the manager's cache, indexed with IndexExceptions.
	Reader client.Reader
}

var _ Lookup = &Finder{}

// IndexExceptions indexes the cache's PolicyExceptions by Keys.
func IndexExceptions(ctx context.Context, indexer client.FieldIndexer) error {
	return indexer.IndexField(ctx, &tenantv1.PolicyException{}, KeyIndex, IndexKeys)
}

// IndexKeys is the index function of KeyIndex.
func IndexKeys(obj client.Object) []string {
	if e, ok := obj.(*tenantv1.PolicyException); ok {
		return Keys(e)
	}
	return nil
}

// For returns the cached exceptions filed under o's keys.
func (f *Finder) For(ctx context.Context, o Object) ([]map[string]any, error) {
	var out []map[string]any
	for _, key := range keysOf(o) {
		var list tenantv1.PolicyExceptionList
		// Read only: ruleView copies what the rules read, so the cache's
		// own objects need no copy first.
		if err := f.Reader.List(ctx, &list, client.MatchingFields{KeyIndex: key}, client.UnsafeDisableDeepCopy); err != nil {
			return nil, fmt.Errorf("listing PolicyExceptions: %w", err)
		}
		for i := range list.Items {
			doc, err := ruleView(&list.Items[i])
			if err != nil {
				return nil, err
			}
			out = append(out, doc)
		}
	}
	return out, nil
}

// ToMap turns a PolicyException into the JSON map the rules read.
func ToMap(e *tenantv1.PolicyException) (map[string]any, error) {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(e)
	if err != nil {
		return nil, fmt.Errorf("converting PolicyException %s: %w", e.Name, err)
	}
	obj["apiVersion"] = tenantv1.GroupVersion.String()
	obj["kind"] = "PolicyException"
	return obj, nil
}

// ruleView is what the rules read of a cached exception (view).
func ruleView(e *tenantv1.PolicyException) (map[string]any, error) {
	spec, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&e.Spec)
	if err != nil {
		return nil, fmt.Errorf("converting PolicyException %s: %w", e.Name, err)
	}
	return view(e.Name, spec), nil
}

// view is what the rules read of an exception: its name and spec. The rest
// of a stored or exported object (managed fields, status) would only be
// converted into every review's input for nothing.
func view(name string, spec any) map[string]any {
	return map[string]any{
		"apiVersion": tenantv1.GroupVersion.String(), "kind": "PolicyException",
		"metadata": map[string]any{"name": name}, "spec": spec,
	}
}

// FromMap reads a PolicyException from its JSON map, numbers kept as
// written (json.Number) or not: through JSON, as the API server reads it,
// since the unstructured converter refuses a json.Number such as an
// exported exception's metadata.generation.
func FromMap(doc map[string]any) (*tenantv1.PolicyException, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("reading PolicyException %s: %w", model.Name(doc), err)
	}
	var e tenantv1.PolicyException
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, fmt.Errorf("reading PolicyException %s: %w", model.Name(doc), err)
	}
	return &e, nil
}
