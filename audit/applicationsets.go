package audit

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/tenantguard/tenantguard/engine/pipeline"
)

// ApplicationSetListGVK is the kind of the lists of Argo CD ApplicationSets
// the audit reads.
var ApplicationSetListGVK = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "ApplicationSetList"}

// ApplicationSets lists every ApplicationSet a page at a time and judges
// each by every Application it can generate, as the validating webhook
// judges its creation, visiting the verdicts in list order. A cluster
// without the ApplicationSet CRD has none: 0, and no error.
func (s *Scanner) ApplicationSets(ctx context.Context, p *pipeline.Pipeline, visit func(*Verdict) error) (int, error) {
	n, err := s.each(ctx, p, ApplicationSetListGVK, visit)
	if meta.IsNoMatchError(err) && n == 0 {
		return 0, nil
	}
	return n, err
}
