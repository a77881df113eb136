package audit

import (
	"context"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/engine/policy"
)

// ApplicationListGVK is the kind of the lists of Argo CD Applications the
// audit reads; Argo CD's Go types are not imported.
var ApplicationListGVK = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "ApplicationList"}

// Verdict is the audit's judgement of one stored object.
type Verdict struct {
	// Kind, Namespace and Name identify the object; APIVersion and UID
	// complete the reference in a report.
	Kind                 model.Kind
	APIVersion           string
	Namespace, Name, UID string
	// Tenant names an Application's Tenant when exactly one was found.
	Tenant string
	// Findings are the rules' findings, none when the object is clean or out
	// of the webhook's scope (being deleted, in an excluded namespace).
	Findings policy.Findings
	// Err is set when the object could not be judged: the webhook would
	// refuse it as malformed, or the rule set failed on it.
	Err error
}

// Scanner judges stored objects through a pipeline, a bounded number at once.
type Scanner struct {
	// Reader lists Applications, a page at a time: the API server, as the
	// manager's cache holds only the supervisor's own Applications.
	Reader client.Reader
	// PageSize is how many Applications one list call returns.
	PageSize int64
	// Workers is how many objects are judged at once.
	Workers int
}

// Applications lists every Application a page at a time, judges each page
// and visits the verdicts in list order (by namespace, then name). It
// returns how many were judged.
func (s *Scanner) Applications(ctx context.Context, p *pipeline.Pipeline, visit func(*Verdict) error) (int, error) {
	return s.each(ctx, p, ApplicationListGVK, visit)
}

// each lists every object of a list kind a page at a time, judges each page
// and visits the verdicts in list order.
func (s *Scanner) each(ctx context.Context, p *pipeline.Pipeline, gvk schema.GroupVersionKind, visit func(*Verdict) error) (int, error) {
	count := 0
	newList := func() client.ObjectList {
		page := &unstructured.UnstructuredList{}
		page.SetGroupVersionKind(gvk)
		return page
	}
	kinds := strings.TrimSuffix(gvk.Kind, "List") + "s"
	err := eachPage(ctx, s.Reader, s.PageSize, kinds, newList, func(page client.ObjectList) error {
		items := page.(*unstructured.UnstructuredList).Items
		objs := make([]map[string]any, len(items))
		for i := range items {
			objs[i] = items[i].Object
		}
		if err := s.Judge(ctx, p, objs, visit); err != nil {
			return err
		}
		count += len(objs)
		return nil
	})
	return count, err
}

// Judge judges objs on Workers workers and visits the verdicts in order. It
// stops at the first error of visit or of ctx.
func (s *Scanner) Judge(ctx context.Context, p *pipeline.Pipeline, objs []map[string]any, visit func(*Verdict) error) error {
	verdicts := make([]Verdict, len(objs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(s.Workers, 1) {
		wg.Go(func() {
			for i := range next {
				verdicts[i] = judge(ctx, p, objs[i])
			}
		})
	}
	for i := range objs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for i := range verdicts {
		if err := visit(&verdicts[i]); err != nil {
			return err
		}
	}
	return nil
}

// judge reads a stored object as the review of its creation and asks the
// pipeline, as `tenantguard eval` does with a manifest. Its status is left
// out: the rules judge what was asked for, and an Application's status (its
// resources, its history) is the largest and most churning part of it.
func judge(ctx context.Context, p *pipeline.Pipeline, obj map[string]any) Verdict {
	delete(obj, "status")
	if meta, ok := obj["metadata"].(map[string]any); ok {
		delete(meta, "managedFields")
	}
	u := unstructured.Unstructured{Object: obj}
	v := Verdict{APIVersion: u.GetAPIVersion(), Namespace: u.GetNamespace(), Name: u.GetName(), UID: string(u.GetUID())}
	v.Kind, _ = model.KindOfObject(obj)
	review, err := decode.Manifest(obj, p.Config.Limits)
	if err != nil || review == nil {
		v.Err = err
		return v
	}
	if v.Findings, v.Err = p.Validate(ctx, review); v.Err != nil {
		return v
	}
	if v.Kind == model.KindApplication && p.InScope(review) {
		tc, err := p.TenantContext(ctx, review)
		if err == nil && tc.Tenant != nil {
			v.Tenant = model.Name(tc.Tenant)
		}
	}
	return v
}
