package app

import (
	"context"

	"k8s.io/utils/clock"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/supervisor"
)

// supervisorJudge is the supervisor's Judge: the served pipeline, with the
// cache's Tenants and PolicyExceptions judged at clk's time (the wall clock
// when nil), as the webhooks and the audit judge. The stored Application is
// read as the audit reads it, as its creation by nobody in particular: an
// update that changes nothing would be out of the pipeline's scope, and the
// question is whether the rules let the Application stand as it is.
func supervisorJudge(state *live.Current, tenants tenantlookup.Lookup, waivers exceptionlookup.Lookup, clk clock.PassiveClock) supervisor.Judge {
	return func(ctx context.Context, app map[string]any) (policy.Findings, error) {
		snapshot := state.Get()
		obj := make(map[string]any, len(app))
		for k, v := range app {
			if k != "status" { // as the audit: the rules judge what was asked for
				obj[k] = v
			}
		}
		review, err := decode.Manifest(obj, snapshot.Config.Limits)
		if err != nil || review == nil {
			return nil, err
		}
		p := &pipeline.Pipeline{Config: snapshot.Config, Engine: snapshot.Engine, Tenants: tenants, Exceptions: waivers, Clock: clk}
		return p.Validate(ctx, review)
	}
}
