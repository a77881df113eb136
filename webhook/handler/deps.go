package handler

import (
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
)

// State gives the snapshot of cluster config and rule set being served; the
// hot reload swaps it between requests.
type State interface {
	Get() *live.Snapshot
}

// Lookup finds Tenants: the manager's cache when serving.
type Lookup = tenantlookup.Lookup

// ExceptionLookup finds PolicyExceptions: the manager's cache when serving.
type ExceptionLookup = exceptionlookup.Lookup

// pipelineOf is the pipeline of one request: the snapshot read once, so that
// a reload in the middle of a review cannot mix two configs.
func pipelineOf(snapshot *live.Snapshot, tenants Lookup) *pipeline.Pipeline {
	return &pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine, Tenants: tenants}
}
