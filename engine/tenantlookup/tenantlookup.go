// Package tenantlookup finds the Tenant an Application belongs to, so that the
// defaults and the rules see the tenant's environment, arch, namespace and
// mirror, and the Tenants that claim a Tenant's namespace. The webhook looks
// Tenants up in the manager's cache (Finder), never the API server; `tenantguard
// eval` among its documents (Index). Both answer through Lookup, and the
// decision built on it (ForApplication, ForTenant) is written once, here.
package tenantlookup

import (
	"context"
	"slices"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/model"
)

// Lookup finds Tenants, as JSON maps.
type Lookup interface {
	// ByName returns the Tenant of that name, nil when there is none.
	ByName(ctx context.Context, name string) (map[string]any, error)
	// Owners returns every Tenant that owns namespace, sorted by name.
	Owners(ctx context.Context, namespace string) ([]map[string]any, error)
}

// Context is what is known of the Tenant of the object under review. The
// rules read it as input.tenant, input.tenantLookup and input.namespaceClaims.
type Context struct {
	// Tenant is the Application's Tenant when exactly one was found.
	Tenant map[string]any
	// Lookup says how an Application's Tenant was looked for; nil for Tenants.
	Lookup *Search
	// NamespaceClaims names the other Tenants that own a Tenant's namespace,
	// sorted; nil for Applications.
	NamespaceClaims []string
}

// Search is how an Application's Tenant was looked for, and what was found.
type Search struct {
	// Label is the tenantguard.io/tenant label when it is a non-empty string;
	// an empty label counts as absent.
	Label string `json:"label"`
	// Namespace is the Application's destination namespace, when it is a string.
	Namespace string `json:"namespace"`
	// Matches names the Tenants found, sorted: the labelled one when it
	// exists, else every Tenant owning Namespace. Only one match is a Tenant;
	// none for a label is an unknown Tenant, several an ambiguity, and the
	// rules refuse both rather than guess.
	Matches []string `json:"matches"`
}

// ForApplication finds the Tenant of an Application: the one its label names,
// else the one owning its destination namespace.
func ForApplication(ctx context.Context, lookup Lookup, app map[string]any) (Context, error) {
	search := &Search{Label: model.Label(app, tenantv1.TenantLabel), Namespace: model.DestinationNamespace(app), Matches: []string{}}
	found, err := candidates(ctx, lookup, search)
	if err != nil {
		return Context{}, err
	}
	for _, t := range found {
		search.Matches = append(search.Matches, model.Name(t))
	}
	c := Context{Lookup: search}
	if len(found) == 1 {
		c.Tenant = found[0]
	}
	return c, nil
}

func candidates(ctx context.Context, lookup Lookup, search *Search) ([]map[string]any, error) {
	switch {
	case search.Label != "":
		t, err := lookup.ByName(ctx, search.Label)
		if t == nil || err != nil {
			return nil, err
		}
		return []map[string]any{t}, nil
	case search.Namespace != "":
		return lookup.Owners(ctx, search.Namespace)
	default:
		return nil, nil
	}
}

// ForTenant names the other Tenants that own the same namespace as tenant.
func ForTenant(ctx context.Context, lookup Lookup, tenant map[string]any, namespace string) (Context, error) {
	owners, err := lookup.Owners(ctx, namespace)
	if err != nil {
		return Context{}, err
	}
	claims := []string{}
	for _, t := range owners {
		if name := model.Name(t); name != model.Name(tenant) {
			claims = append(claims, name)
		}
	}
	slices.Sort(claims)
	return Context{NamespaceClaims: claims}, nil
}
