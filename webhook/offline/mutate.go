package offline

import (
	"context"
	"fmt"
	"io"

	"github.com/pmezard/go-difflib/difflib"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/tenantguard/tenantguard/webhook/config"
	"github.com/tenantguard/tenantguard/webhook/decode"
	"github.com/tenantguard/tenantguard/webhook/defaults"
	"github.com/tenantguard/tenantguard/webhook/tenantctx"
)

// Mutated is a document with the webhook's defaults filled in.
type Mutated struct {
	Document
	// Original is the document as it was read.
	Original map[string]any
	// Changes are the defaults that were filled in.
	Changes []defaults.Change
}

// Mutate fills in the webhook's defaults on every document, as the webhook
// would when they are created: Tenants first, so that Applications see their
// Tenant's defaults, then Applications with the Tenant found among docs.
func Mutate(ctx context.Context, docs []Document, cfg *config.ClusterConfig) ([]Mutated, error) {
	out := make([]Mutated, len(docs))
	for i, doc := range docs {
		out[i] = Mutated{Document: doc, Original: runtime.DeepCopyJSON(doc.Object)}
		if isKind(doc, decode.KindTenant) {
			out[i].Changes = defaults.Tenant(doc.Object, cfg)
		}
	}
	index := tenantctx.NewIndex(Tenants(docs), cfg)
	for i, doc := range docs {
		if !isKind(doc, decode.KindApplication) {
			continue
		}
		tenant, err := tenantctx.Of(ctx, index, doc.Object)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", doc.Source, doc.Index, err)
		}
		out[i].Changes = defaults.Application(doc.Object, tenant, cfg)
	}
	return out, nil
}

func isKind(doc Document, kind decode.Kind) bool {
	apiVersion, _ := doc.Object["apiVersion"].(string)
	k, _ := doc.Object["kind"].(string)
	return k == string(kind) && decode.Handles(apiVersion, k)
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
