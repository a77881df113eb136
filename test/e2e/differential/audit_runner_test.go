package differential

import (
	"context"
	"runtime"
	"slices"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/tenantguard/tenantguard/audit"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
)

// audited are the kinds the audit judges among a cluster's objects; it
// reads the PolicyExceptions only to waive findings, as the webhook does.
var audited = []string{"Application", "ApplicationSet", "Tenant"}

// auditVerdicts judges the corpus's Applications, ApplicationSets and
// Tenants as the audit judges stored objects (audit.Scanner.Judge), with
// every Tenant and PolicyException of the corpus in the lookups as in the
// cluster's cache and the clock at judgedAt, and reads the rule ids of
// each verdict: deny and warn findings, waived ones whatever their
// enforcement, and an object it could not judge as refused (an error of
// the rule set too: the handler's 500 then tells it apart).
func auditVerdicts(ctx context.Context, c *corpus, configFile string) (verdicts, error) {
	snapshot, err := live.Loader{ConfigFile: configFile}.Load(ctx)
	if err != nil {
		return nil, err
	}
	tenants, err := roundTripAll(c.tenants())
	if err != nil {
		return nil, err
	}
	exceptions, err := roundTripAll(c.exceptions())
	if err != nil {
		return nil, err
	}
	p := &pipeline.Pipeline{
		Config: snapshot.Config, Engine: snapshot.Engine,
		Tenants: tenantlookup.NewIndex(tenants, snapshot.Config), Exceptions: exceptionlookup.NewIndex(exceptions),
		Clock: clocktesting.NewFakePassiveClock(judgedAt),
	}
	var objs []map[string]any
	for _, d := range c.inFileOrder() {
		if kind, _ := d.Object["kind"].(string); slices.Contains(audited, kind) {
			obj, err := roundTrip(d.Object) // the audit trims what it judges: a copy of its own
			if err != nil {
				return nil, err
			}
			objs = append(objs, obj)
		}
	}
	out := verdicts{}
	scanner := audit.Scanner{Workers: runtime.GOMAXPROCS(0)}
	return out, scanner.Judge(ctx, p, objs, func(v *audit.Verdict) error {
		k := string(v.Kind) + "/" + v.Namespace + "/" + v.Name
		if v.Kind == "Tenant" {
			k = "Tenant//" + v.Name
		}
		if out[k] == nil {
			out[k] = map[string]bool{}
		}
		if v.Err != nil { // as eval, which reads objects the same way, refuses it
			out.add(k, refused)
		}
		for _, f := range v.Findings {
			switch {
			case f.WaivedBy != nil:
				out.add(k, waivedID(f.Rule, f.WaivedBy.Name))
			case f.Enforcement == "deny" || f.Enforcement == "warn":
				out.add(k, f.Rule)
			}
		}
		return nil
	})
}

func roundTripAll(objs []map[string]any) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		obj, err := roundTrip(o)
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}
