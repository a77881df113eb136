package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/policy"
)

// The reasons of the PolicyCompliant condition.
const (
	// ReasonNoFindings: the last audit found nothing wrong with the Tenant's Applications.
	ReasonNoFindings = "NoFindings"
	// ReasonFindings: the last audit found rules broken by the Tenant's Applications.
	ReasonFindings = "Findings"
)

// tenantState is what the audit knows of a Tenant before writing its
// condition: its generation and its PolicyCompliant condition as cached.
type tenantState struct {
	generation int64
	current    *metav1.Condition
}

// compliance is the PolicyCompliant condition for the findings of a Tenant's
// Applications (nil for none).
func compliance(tf *tenantFindings, generation int64) metav1.Condition {
	c := metav1.Condition{Type: tenantv1.ConditionPolicyCompliant, ObservedGeneration: generation}
	if tf == nil || tf.findings == 0 {
		c.Status, c.Reason = metav1.ConditionTrue, ReasonNoFindings
		c.Message = "the last audit found no finding on the tenant's Applications"
		if tf != nil && tf.waived > 0 {
			c.Message += fmt.Sprintf(" but %d waived by PolicyExceptions until they expire", tf.waived)
		}
		return c
	}
	c.Status, c.Reason = metav1.ConditionFalse, ReasonFindings
	c.Message = fmt.Sprintf("%d findings on %d of the tenant's Applications (%d deny, %d warn, %d dryrun); their namespaces' Reports %s list them",
		tf.findings, tf.applications, tf.byEnforce[policy.Deny], tf.byEnforce[policy.Warn], tf.byEnforce[policy.DryRun], ReportName)
	return c
}

// conditionWriter writes each Tenant's PolicyCompliant condition by a
// server-side apply of that condition alone, under FieldManager: the
// conditions list is a map keyed by type, so the supervisor's conditions,
// applied under its own manager, are neither touched nor taken over.
type conditionWriter struct {
	client client.Client
}

// conditionWriters is how many conditions are written at once: a first
// audit writes one per Tenant, and one at a time would take a round trip each.
const conditionWriters = 8

// sync writes the condition of every Tenant whose condition changed,
// conditionWriters at once.
func (w *conditionWriter) sync(ctx context.Context, tenants map[string]tenantState, t *tally) error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	slots := make(chan struct{}, conditionWriters)
	for name, state := range tenants {
		next, changed := nextCompliance(state, t.tenants[name])
		if !changed {
			continue
		}
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := w.apply(ctx, name, next); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// nextCompliance is the condition a Tenant should have, and whether it
// differs from the one it has. The transition time moves only with the status.
func nextCompliance(state tenantState, tf *tenantFindings) (metav1.Condition, bool) {
	next := compliance(tf, state.generation)
	cur := state.current
	if cur != nil && cur.Status == next.Status && cur.Reason == next.Reason &&
		cur.Message == next.Message && cur.ObservedGeneration == next.ObservedGeneration {
		return next, false
	}
	next.LastTransitionTime = metav1.Now()
	if cur != nil && cur.Status == next.Status {
		next.LastTransitionTime = cur.LastTransitionTime
	}
	return next, true
}

func (w *conditionWriter) apply(ctx context.Context, name string, c metav1.Condition) error {
	cond, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&c)
	if err != nil {
		return err
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"metadata": map[string]any{"name": name},
		"status":   map[string]any{"conditions": []any{cond}},
	}}
	u.SetGroupVersionKind(tenantv1.GroupVersion.WithKind("Tenant"))
	err = w.client.Status().Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(FieldManager), client.ForceOwnership)
	if client.IgnoreNotFound(err) != nil {
		return fmt.Errorf("writing the %s condition of Tenant %s: %w", tenantv1.ConditionPolicyCompliant, name, err)
	}
	return nil
}
