package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	reportsv1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
)

const (
	// ReportName is the name of the Report of each namespace's Applications.
	ReportName = "tenantguard-audit"
	// ClusterReportName is the name of the ClusterReport of the Tenants.
	ClusterReportName = "tenantguard-audit-tenants"
	// FieldManager is the field manager of every write of the audit: its
	// reports and the Tenants' PolicyCompliant condition.
	FieldManager = "tenantguard-audit"
	// DigestAnnotation holds a hash of a report's results and summary, without
	// their timestamps: a report whose findings did not change is not written again.
	DigestAnnotation = "tenantguard.io/audit-digest"
	// ManagedByLabel and ComponentLabel mark the audit's reports, which it
	// lists by them to remove the ones left empty.
	ManagedByLabel = "app.kubernetes.io/managed-by"
	// ComponentLabel says which part of tenantguard wrote the object.
	ComponentLabel = "app.kubernetes.io/component"
)

// reportLabels are the labels of every report the audit writes.
var reportLabels = map[string]string{ManagedByLabel: "tenantguard", ComponentLabel: "audit"}

// reportWriter writes the audit's reports and removes those left empty.
type reportWriter struct {
	// client writes the reports.
	client client.Client
	// reader lists the stored reports, metadata only, from the API server.
	reader     client.Reader
	maxResults int
}

// sync makes the stored reports those of t: written when their findings
// changed, deleted when the scope has no finding left.
func (w *reportWriter) sync(ctx context.Context, t *tally) error {
	stored, err := w.stored(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for scope, r := range t.reports {
		obj, err := w.object(scope, r)
		if err == nil && stored[scope] != obj.GetAnnotations()[DigestAnnotation] {
			err = w.client.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner(FieldManager), client.ForceOwnership)
		}
		// A namespace being deleted takes no new object; its Applications go with it.
		if err != nil && !apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
			errs = append(errs, fmt.Errorf("writing the report of %s: %w", scopeName(scope), err))
		}
		delete(stored, scope)
	}
	for scope := range stored {
		if err := client.IgnoreNotFound(w.client.Delete(ctx, emptyReport(scope))); err != nil {
			errs = append(errs, fmt.Errorf("deleting the report of %s: %w", scopeName(scope), err))
		}
	}
	return errors.Join(errs...)
}

// stored maps the scope of each stored report of the audit to its digest.
func (w *reportWriter) stored(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	for _, kind := range []string{"ReportList", "ClusterReportList"} {
		list := &metav1.PartialObjectMetadataList{}
		list.SetGroupVersionKind(reportsv1.SchemeGroupVersion.WithKind(kind))
		if err := w.reader.List(ctx, list, client.MatchingLabels(reportLabels)); err != nil {
			return nil, fmt.Errorf("listing the audit's reports: %w", err)
		}
		for _, item := range list.Items {
			if item.Name == ReportName || item.Name == ClusterReportName {
				out[item.Namespace] = item.Annotations[DigestAnnotation]
			}
		}
	}
	return out, nil
}

// object is the report of one scope as an object to apply.
func (w *reportWriter) object(scope string, r *reportTally) (*unstructured.Unstructured, error) {
	digest, err := digestOf(r, w.maxResults)
	if err != nil {
		return nil, err
	}
	meta := metav1.ObjectMeta{Namespace: scope, Labels: reportLabels, Annotations: map[string]string{DigestAnnotation: digest}}
	config := &reportsv1.ReportConfiguration{Limits: reportsv1.Limits{MaxResults: w.maxResults}}
	var typed runtime.Object
	if scope == clusterScope {
		meta.Name = ClusterReportName
		typed = &reportsv1.ClusterReport{ObjectMeta: meta, Source: Source, Configuration: config, Summary: r.summary, Results: r.results}
	} else {
		meta.Name = ReportName
		typed = &reportsv1.Report{ObjectMeta: meta, Source: Source, Configuration: config, Summary: r.summary, Results: r.results}
	}
	fields, err := runtime.DefaultUnstructuredConverter.ToUnstructured(typed)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: fields}
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	u.SetGroupVersionKind(reportsv1.SchemeGroupVersion.WithKind(kindOf(scope)))
	return u, nil
}

// digestOf hashes a report's summary, limit and results without their timestamps.
func digestOf(r *reportTally, maxResults int) (string, error) {
	results := make([]reportsv1.ReportResult, len(r.results))
	for i, res := range r.results {
		res.Timestamp = metav1.Timestamp{}
		results[i] = res
	}
	data, err := json.Marshal(struct {
		Summary    reportsv1.ReportSummary
		MaxResults int
		Results    []reportsv1.ReportResult
	}{r.summary, maxResults, results})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16]), nil
}

// emptyReport names the stored report of scope, for deleting it.
func emptyReport(scope string) client.Object {
	obj := &metav1.PartialObjectMetadata{}
	obj.SetGroupVersionKind(reportsv1.SchemeGroupVersion.WithKind(kindOf(scope)))
	obj.Namespace, obj.Name = scope, ReportName
	if scope == clusterScope {
		obj.Name = ClusterReportName
	}
	return obj
}

func kindOf(scope string) string {
	if scope == clusterScope {
		return "ClusterReport"
	}
	return "Report"
}

func scopeName(scope string) string {
	if scope == clusterScope {
		return "the Tenants"
	}
	return "namespace " + scope
}
