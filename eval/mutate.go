package eval

import (
	"context"
	"fmt"
	"io"

	"github.com/pmezard/go-difflib/difflib"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/defaults"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/pipeline"
	"github.com/tenantguard/tenantguard/manifests"
)

// Mutated is a document with the webhook's defaults filled in.
type Mutated struct {
	manifests.Document
	// Original is the document as it was read.
	Original map[string]any
	// Changes are the defaults that were filled in.
	Changes []defaults.Change
}

// Mutate fills in the webhook's defaults on every document, as the mutating
// webhook would when they are created, through the same pipeline: Tenants
// first, so that Applications see their Tenant's defaults, then Applications
// with their Tenant found among docs. p.Tenants is not used: the Tenants are
// those among docs once defaulted.
func Mutate(ctx context.Context, p pipeline.Pipeline, docs []manifests.Document) ([]Mutated, error) {
	out := make([]Mutated, len(docs))
	reviews := make([]*decode.Review, len(docs))
	for i, doc := range docs {
		out[i] = Mutated{Document: doc, Original: runtime.DeepCopyJSON(doc.Object)}
		review, err := decode.Manifest(doc.Object, p.Config.Limits)
		if err != nil {
			return nil, &manifests.ParseError{Source: doc.Source, Index: doc.Index, Line: doc.Line, Err: err}
		}
		reviews[i] = review
	}
	p.Tenants = nil
	if err := mutateKind(ctx, &p, model.KindTenant, reviews, out); err != nil {
		return nil, err
	}
	p.Tenants = TenantIndex(docs, p.Config)
	return out, mutateKind(ctx, &p, model.KindApplication, reviews, out)
}

// mutateKind defaults the documents of one kind.
func mutateKind(ctx context.Context, p *pipeline.Pipeline, kind model.Kind, reviews []*decode.Review, out []Mutated) error {
	for i, review := range reviews {
		if review == nil || review.Kind != kind {
			continue
		}
		changes, err := p.Mutate(ctx, review)
		if err != nil {
			return fmt.Errorf("%s: document %d: %w", out[i].Source, out[i].Index, err)
		}
		out[i].Changes = changes
	}
	return nil
}

// WriteManifests prints the defaulted documents as one YAML stream.
func WriteManifests(w io.Writer, docs []Mutated) error {
	for _, doc := range docs {
		out, err := yaml.Marshal(doc.Object)
		if err != nil {
			return fmt.Errorf("%s: document %d: %w", doc.Source, doc.Index, err)
		}
		if _, err := fmt.Fprintf(w, "---\n%s", out); err != nil {
			return err
		}
	}
	return nil
}

// WriteDiffs prints a unified diff for every document the defaults changed.
func WriteDiffs(w io.Writer, docs []Mutated) error {
	for _, doc := range docs {
		if len(doc.Changes) == 0 {
			continue
		}
		before, err := yaml.Marshal(doc.Original)
		if err != nil {
			return err
		}
		after, err := yaml.Marshal(doc.Object)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("%s#%d", doc.Source, doc.Index)
		diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: difflib.SplitLines(string(before)), B: difflib.SplitLines(string(after)),
			FromFile: name, ToFile: name + " (defaulted)", Context: 3,
		})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, diff); err != nil {
			return err
		}
	}
	return nil
}
