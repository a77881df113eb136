package audit

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tenantguard/tenantguard/report"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/manifests"
)

// ClusterSource is the Source of the results of `tenantguard audit`, whose
// Index counts the objects judged, Tenants first, from 1.
const ClusterSource = "cluster"

// Results audits the cluster that reader reads once, as `tenantguard audit`
// does, and returns a result per Tenant, Application and ApplicationSet in
// eval's form, for eval's writers. Without a cache to look Tenants up in,
// every Tenant and PolicyException is listed first and indexed as eval
// indexes its documents (the exceptions judged at opts.Clock's time);
// Applications and ApplicationSets are then listed a page at a time. An object that could not be judged is a
// result with an Error in its place, as eval reports a malformed document;
// the error is only for a cluster that could not be read.
func Results(ctx context.Context, reader client.Reader, snapshot *live.Snapshot, opts Options) ([]report.Result, error) {
	opts = opts.withDefaults()
	tenants, err := listTenants(ctx, reader, opts.PageSize)
	if err != nil {
		return nil, err
	}
	exceptions, err := listExceptions(ctx, reader, opts.PageSize)
	if err != nil {
		return nil, err
	}
	p := &pipeline.Pipeline{
		Config: snapshot.Config, Engine: snapshot.Engine, Tenants: tenantlookup.NewIndex(tenants, snapshot.Config),
		Exceptions: exceptionlookup.NewIndex(exceptions), Clock: opts.Clock,
	}
	s := &Scanner{Reader: reader, PageSize: opts.PageSize, Workers: opts.Workers}
	var results []report.Result
	visit := func(v *Verdict) error {
		r := report.Result{
			Document: manifests.Document{Source: ClusterSource, Index: len(results) + 1},
			Kind:     string(v.Kind), Namespace: v.Namespace, Name: v.Name, Findings: v.Findings,
		}
		if v.Err != nil {
			r.Error = &report.Failure{Message: fmt.Sprintf("%s %s: %v", v.Kind, objectName(v), v.Err)}
		}
		if r.Findings == nil {
			r.Findings = policy.Findings{}
		}
		results = append(results, r)
		return nil
	}
	if err := s.Judge(ctx, p, tenants, visit); err != nil {
		return nil, err
	}
	if _, err := s.Applications(ctx, p, visit); err != nil {
		return nil, err
	}
	if _, err := s.ApplicationSets(ctx, p, visit); err != nil {
		return nil, err
	}
	return results, nil
}

// listTenants lists every Tenant, a page at a time, as the JSON maps the rules read.
func listTenants(ctx context.Context, reader client.Reader, pageSize int64) ([]map[string]any, error) {
	var out []map[string]any
	newList := func() client.ObjectList { return &tenantv1.TenantList{} }
	err := eachPage(ctx, reader, pageSize, "Tenants", newList, func(page client.ObjectList) error {
		items := page.(*tenantv1.TenantList).Items
		for i := range items {
			obj, err := tenantlookup.ToMap(&items[i])
			if err != nil {
				return err
			}
			out = append(out, obj)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// listExceptions lists every PolicyException, a page at a time, as the JSON
// maps the rules read; none in a cluster without their CRD, which cannot
// hold one.
func listExceptions(ctx context.Context, reader client.Reader, pageSize int64) ([]map[string]any, error) {
	var out []map[string]any
	newList := func() client.ObjectList { return &tenantv1.PolicyExceptionList{} }
	err := eachPage(ctx, reader, pageSize, "PolicyExceptions", newList, func(page client.ObjectList) error {
		items := page.(*tenantv1.PolicyExceptionList).Items
		for i := range items {
			doc, err := exceptionlookup.ToMap(&items[i])
			if err != nil {
				return err
			}
			out = append(out, doc)
		}
		return nil
	})
	if meta.IsNoMatchError(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachPage lists every object of newList's kind (kinds, as a message names
// them) through reader, pageSize at a time, and hands each page to do,
// stopping at the first error.
func eachPage(ctx context.Context, reader client.Reader, pageSize int64, kinds string,
	newList func() client.ObjectList, do func(client.ObjectList) error) error {
	token := ""
	for {
		page := newList()
		if err := reader.List(ctx, page, client.Limit(pageSize), client.Continue(token)); err != nil {
			return fmt.Errorf("listing %s: %w", kinds, err)
		}
		if err := do(page); err != nil {
			return err
		}
		if token = page.GetContinue(); token == "" {
			return nil
		}
	}
}

func objectName(v *Verdict) string {
	if v.Namespace == "" {
		return v.Name
	}
	return v.Namespace + "/" + v.Name
}
