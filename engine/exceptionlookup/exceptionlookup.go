// Package exceptionlookup finds the PolicyExceptions that may waive a finding
// on an object, so that each review carries only those (input.exceptions)
// and not every exception of the cluster. It only narrows: which of them
// waives what, and until when, the rules decide (policies/lib/exceptions).
// The webhook and the audit look in the manager's cache (Finder), eval and
// the benchmarks among documents (Index); both answer through Lookup.
package exceptionlookup

import (
	"context"
	"slices"
	"sort"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/model"
)

// Lookup finds the PolicyExceptions, as JSON maps, that may apply to an object.
type Lookup interface {
	// For returns every exception whose match could select the object, in
	// no particular order: a superset of those lib.exceptions.matches
	// holds for, never fewer.
	For(ctx context.Context, obj Object) ([]map[string]any, error)
}

// Object is what an exception's match can select an object by.
type Object struct {
	// Kind is Application, ApplicationSet or Tenant.
	Kind string
	// Name is the object's name.
	Name string
	// Tenants are the tenant names the object may belong to: its Tenant
	// found, its tenant label, or a Tenant's own name.
	Tenants []string
}

// ObjectOf is what an exception may select obj by, with the name of the
// Tenant found for it ("" when none was).
func ObjectOf(obj map[string]any, tenant string) Object {
	o := Object{Kind: model.String(obj, "kind"), Name: model.Name(obj)}
	if o.Kind == "Tenant" {
		o.Tenants = []string{o.Name}
		return o
	}
	for _, t := range []string{tenant, model.Label(obj, tenantv1.TenantLabel)} {
		if t != "" && !slices.Contains(o.Tenants, t) {
			o.Tenants = append(o.Tenants, t)
		}
	}
	return o
}

// Keys are the index keys an exception is filed under: one per name it
// selects, else its tenant, else its kind alone (a wide match).
func Keys(e *tenantv1.PolicyException) []string {
	m := e.Spec.Match
	switch {
	case len(m.Names) > 0:
		keys := make([]string, len(m.Names))
		for i, name := range m.Names {
			keys[i] = nameKey(m.Kind, name)
		}
		return keys
	case m.Tenant != "":
		return []string{tenantKey(m.Kind, m.Tenant)}
	default:
		return []string{wideKey(m.Kind)}
	}
}

// keysOf are the index keys under which an exception that may select o is filed.
func keysOf(o Object) []string {
	keys := []string{nameKey(o.Kind, o.Name), wideKey(o.Kind)}
	for _, t := range o.Tenants {
		keys = append(keys, tenantKey(o.Kind, t))
	}
	return keys
}

func nameKey(kind, name string) string   { return "name/" + kind + "/" + name }
func tenantKey(kind, name string) string { return "tenant/" + kind + "/" + name }
func wideKey(kind string) string         { return "wide/" + kind }

// Index finds exceptions among JSON maps, such as the documents of
// `tenantguard eval`.
type Index struct {
	byKey map[string][]map[string]any
}

var _ Lookup = &Index{}

// NewIndex files each exception under its keys, as the rules read it (its
// name and its spec as written, which conftest reads too); a document that
// does not read as a PolicyException, or that names one already filed (the
// first of a name counts), is filed under none and so waives nothing here,
// as it could not be stored in a cluster.
func NewIndex(exceptions []map[string]any) *Index {
	idx := &Index{byKey: map[string][]map[string]any{}}
	filed := map[string]bool{}
	for _, doc := range exceptions {
		e, err := FromMap(doc)
		if err != nil || filed[e.Name] {
			continue
		}
		filed[e.Name] = true
		filedView := view(e.Name, doc["spec"])
		for _, key := range Keys(e) {
			idx.byKey[key] = append(idx.byKey[key], filedView)
		}
	}
	return idx
}

// For returns the exceptions filed under o's keys.
func (i *Index) For(_ context.Context, o Object) ([]map[string]any, error) {
	var out []map[string]any
	for _, key := range keysOf(o) {
		out = append(out, i.byKey[key]...)
	}
	sort.SliceStable(out, func(a, b int) bool { return model.Name(out[a]) < model.Name(out[b]) })
	return out, nil
}
