package handler

import (
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
)

// State gives the snapshot of cluster config and rule set being served; the
// hot reload swaps it between requests. A handler reads it once per request
// and builds the request's pipeline from it, so that a reload in the middle
// of a review cannot mix two configs.
type State interface {
	Get() *live.Snapshot
}

// Lookup finds Tenants: the manager's cache when serving.
type Lookup = tenantlookup.Lookup

// ExceptionLookup finds PolicyExceptions: the manager's cache when serving.
type ExceptionLookup = exceptionlookup.Lookup
