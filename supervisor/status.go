package supervisor

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// The reasons of the supervisor's conditions. They are a closed set: no
// reason comes from a request or an object.
const (
	// ReasonReady: Ready is True, every other condition is.
	ReasonReady = "Ready"
	// ReasonApplied: the object holds what the supervisor applied.
	ReasonApplied = "Applied"
	// ReasonCreatedByApplication: a tenant on another cluster gets its
	// namespace from its Application (CreateNamespace).
	ReasonCreatedByApplication = "CreatedByApplication"
	// ReasonNamespaceConflict: the namespace exists and is not the Tenant's.
	ReasonNamespaceConflict = "NamespaceConflict"
	// ReasonProjectConflict: the AppProject exists and is not the Tenant's.
	ReasonProjectConflict = "ProjectConflict"
	// ReasonApplicationConflict: the Application exists and is not the Tenant's.
	ReasonApplicationConflict = "ApplicationConflict"
	// ReasonNoRepository: the cluster config names no platform repository.
	ReasonNoRepository = "NoRepository"
	// ReasonRefused: a webhook or the API server refused the Application.
	ReasonRefused = "Refused"
	// ReasonApplyFailed: writing or reading the object failed; it is tried again.
	ReasonApplyFailed = "ApplyFailed"
	// ReasonDeleting: the object, or the Tenant, is being deleted.
	ReasonDeleting = "Deleting"
	// ReasonWaitingForNamespace: nothing is written to a namespace not ready.
	ReasonWaitingForNamespace = "WaitingForNamespace"
	// ReasonWaitingForProject: the Application waits for its AppProject.
	ReasonWaitingForProject = "WaitingForProject"
)

// conditionTypes are the conditions the supervisor owns on a Tenant, Ready first.
var conditionTypes = []string{
	tenantv1.ConditionReady, tenantv1.ConditionNamespaceReady,
	tenantv1.ConditionProjectReady, tenantv1.ConditionApplicationReady,
}

func isTrue(typ, reason, format string, args ...any) metav1.Condition {
	return metav1.Condition{Type: typ, Status: metav1.ConditionTrue, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

func isFalse(typ, reason, format string, args ...any) metav1.Condition {
	return metav1.Condition{Type: typ, Status: metav1.ConditionFalse, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

func applyFailed(typ, what string, err error) metav1.Condition {
	return isFalse(typ, ReasonApplyFailed, "applying %s: %v", what, err)
}

// readiness is Ready from the other conditions: True when all are, else
// False with the reason and message of the first that is not.
func readiness(conditions []metav1.Condition) metav1.Condition {
	for _, c := range conditions {
		if c.Status != metav1.ConditionTrue {
			return isFalse(tenantv1.ConditionReady, c.Reason, "%s: %s", c.Type, c.Message)
		}
	}
	return isTrue(tenantv1.ConditionReady, ReasonReady, "the tenant's namespace, AppProject and Application are applied")
}

// observed is what the supervisor reports of a Tenant.
type observed struct {
	conditions []metav1.Condition // Ready first
	facts      facts
	app        *unstructured.Unstructured
}

// report writes the Tenant's status when it changed, by a server-side apply
// of the supervisor's own fields, and records an Event for each condition
// that changed.
func (s *Supervisor) report(ctx context.Context, t *tenantv1.Tenant, o observed) error {
	next := t.Status.DeepCopy()
	for _, c := range o.conditions {
		c.ObservedGeneration = t.Generation
		before := meta.FindStatusCondition(t.Status.Conditions, c.Type)
		meta.SetStatusCondition(&next.Conditions, c)
		if before == nil || before.Status != c.Status || before.Reason != c.Reason {
			s.recordTransition(t, c)
		}
	}
	next.Namespace = o.facts.namespace
	next.Project = o.facts.argocd + "/" + o.facts.project
	next.Application = o.facts.argocd + "/" + o.facts.application
	next.Sync, next.Health = syncAndHealth(o.app)
	next.ObservedGeneration = t.Generation
	if equality.Semantic.DeepEqual(&t.Status, next) {
		return nil
	}
	return s.applyStatus(ctx, t, next)
}

// applyStatus applies the supervisor's fields of status: its own conditions
// (others', such as an audit's, stay theirs) and the rest of TenantStatus.
func (s *Supervisor) applyStatus(ctx context.Context, t *tenantv1.Tenant, status *tenantv1.TenantStatus) error {
	own := *status
	own.Conditions = slices.DeleteFunc(slices.Clone(status.Conditions), func(c metav1.Condition) bool {
		return !slices.Contains(conditionTypes, c.Type)
	})
	fields, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&own)
	if err != nil {
		return err
	}
	u := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": t.Name}, "status": fields}}
	u.SetGroupVersionKind(tenantv1.GroupVersion.WithKind("Tenant"))
	if err := s.client.Status().Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
		return fmt.Errorf("writing the status of Tenant %s: %w", t.Name, err)
	}
	return nil
}

// recordTransition records an Event on the Tenant for a condition that
// changed, when it says something new: Ready becoming True (Normal), any other
// condition becoming False (Warning, with its reason). Ready becoming False
// repeats the failing condition's Event, and the others becoming True are
// told by Ready's.
func (s *Supervisor) recordTransition(t *tenantv1.Tenant, c metav1.Condition) {
	ready := c.Type == tenantv1.ConditionReady
	switch {
	case ready && c.Status == metav1.ConditionTrue:
		s.events.Eventf(t, nil, corev1.EventTypeNormal, c.Reason, "Reconcile", "%s", c.Message)
	case !ready && c.Status == metav1.ConditionFalse:
		s.events.Eventf(t, nil, corev1.EventTypeWarning, c.Reason, "Reconcile", "%s: %s", c.Type, c.Message)
	}
}
