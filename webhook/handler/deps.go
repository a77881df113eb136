package handler

import (
	"github.com/tenantguard/tenantguard/webhook/pipeline"
	"github.com/tenantguard/tenantguard/webhook/reload"
	"github.com/tenantguard/tenantguard/webhook/tenantctx"
)

// State gives the snapshot of cluster config and rule set being served; the
// hot reload swaps it between requests.
type State interface {
	Get() *reload.Snapshot
}

// Lookup finds Tenants: the manager's cache when serving.
type Lookup = tenantctx.Lookup

// pipelineOf is the pipeline of one request: the snapshot read once, so that
// a reload in the middle of a review cannot mix two configs.
func pipelineOf(snapshot *reload.Snapshot, tenants Lookup) *pipeline.Pipeline {
	return &pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine, Tenants: tenants}
}
