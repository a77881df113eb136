package audit

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	reportsv1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"

	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/policy"
)

// Source names tenantguard as the engine of every report and result.
const Source = "tenantguard"

// maxMessage bounds the message of one result, so that MaxResults results
// bound a report's size whatever a rule writes.
const maxMessage = 1024

// tally is what one audit run found: the reports' results (capped) and true
// counts, the findings of each Tenant's Applications, and the counts the
// metrics show. It holds findings only, never the objects judged.
type tally struct {
	maxResults int
	now        metav1.Timestamp
	// reports are keyed by namespace; clusterScope ("") is the Tenants'.
	reports map[string]*reportTally
	// tenants are keyed by Tenant name: the findings of its Applications.
	tenants map[string]*tenantFindings
	// rules count findings by rule id and enforcement, waived ones aside.
	rules map[ruleKey]int
	// waived counts the findings a PolicyException waives.
	waived int
	// objects counts the objects judged, by kind.
	objects map[model.Kind]int
}

// clusterScope is the key of the ClusterReport among tally.reports.
const clusterScope = ""

// reportTally is one report being built.
type reportTally struct {
	results []reportsv1.ReportResult
	summary reportsv1.ReportSummary
}

// tenantFindings counts the findings of one Tenant's Applications: those
// no exception waives, and apart from them those waived, which do not make
// the Tenant non-compliant.
type tenantFindings struct {
	findings     int
	applications int
	byEnforce    map[policy.Enforcement]int
	waived       int
}

type ruleKey struct {
	rule        string
	enforcement policy.Enforcement
}

func newTally(maxResults int, now metav1.Timestamp) *tally {
	return &tally{
		maxResults: maxResults, now: now,
		reports: map[string]*reportTally{}, tenants: map[string]*tenantFindings{},
		rules: map[ruleKey]int{}, objects: map[model.Kind]int{},
	}
}

// add records one verdict; it is the visit function of a Scanner.
func (t *tally) add(v *Verdict) error {
	t.objects[v.Kind]++
	if v.Err == nil && len(v.Findings) == 0 {
		return nil
	}
	scope := clusterScope
	if v.Kind == model.KindApplication || v.Kind == model.KindApplicationSet {
		scope = v.Namespace
	}
	r := t.reports[scope]
	if r == nil {
		r = &reportTally{}
		t.reports[scope] = r
	}
	if v.Err != nil {
		r.summary.Error++
		r.append(t.maxResults, t.result(v, errorResult(v.Err)))
		return nil
	}
	for _, f := range v.Findings {
		if f.WaivedBy != nil {
			t.waived++
			r.summary.Skip++
		} else {
			t.rules[ruleKey{f.Rule, f.Enforcement}]++
			count(&r.summary, f.Enforcement)
		}
		r.append(t.maxResults, t.result(v, f))
	}
	if v.Tenant != "" {
		t.tenant(v.Tenant).addApplication(v.Findings)
	}
	return nil
}

func (t *tally) tenant(name string) *tenantFindings {
	tf := t.tenants[name]
	if tf == nil {
		tf = &tenantFindings{byEnforce: map[policy.Enforcement]int{}}
		t.tenants[name] = tf
	}
	return tf
}

func (tf *tenantFindings) addApplication(findings policy.Findings) {
	waived := findings.Waived()
	tf.waived += len(waived)
	if len(waived) == len(findings) {
		return
	}
	tf.applications++
	tf.findings += len(findings) - len(waived)
	for _, f := range findings {
		if f.WaivedBy == nil {
			tf.byEnforce[f.Enforcement]++
		}
	}
}

// append keeps a result while the report holds fewer than max; the summary
// counts it either way.
func (r *reportTally) append(max int, result reportsv1.ReportResult) {
	if len(r.results) < max {
		r.results = append(r.results, result)
	}
}

// count adds a finding to the summary: deny fails, warn and dryrun warn.
func count(s *reportsv1.ReportSummary, e policy.Enforcement) {
	if e == policy.Deny {
		s.Fail++
	} else {
		s.Warn++
	}
}

// errorResult stands for an object the audit could not judge.
func errorResult(err error) policy.Finding {
	return policy.Finding{Rule: "audit-error", Message: err.Error()}
}

// result is the OpenReports result of one finding: the rule as policy and
// rule, fail for deny, warn for warn, and warn of severity info for dryrun
// (OpenReports has no result between warn and pass), the message, the
// resource, and the enforcement and field as properties. A finding a
// PolicyException waives is a skip of the severity its enforcement gives
// (waived).
func (t *tally) result(v *Verdict, f policy.Finding) reportsv1.ReportResult {
	r := reportsv1.ReportResult{
		Source: Source, Policy: f.Rule, Rule: f.Rule, Timestamp: t.now,
		Description: description(f),
		Subjects: []corev1.ObjectReference{{
			APIVersion: v.APIVersion, Kind: string(v.Kind), Namespace: v.Namespace, Name: v.Name, UID: types.UID(v.UID),
		}},
		Properties: map[string]string{},
	}
	switch f.Enforcement {
	case policy.Deny:
		r.Result, r.Severity = "fail", "high"
	case policy.Warn:
		r.Result, r.Severity = "warn", "medium"
	case policy.DryRun:
		r.Result, r.Severity = "warn", "info"
	default:
		r.Result = "error"
	}
	if f.Enforcement != "" {
		r.Properties["enforcement"] = string(f.Enforcement)
	}
	if f.Field != "" {
		r.Properties["field"] = truncate(f.Field, 256)
	}
	if f.WaivedBy != nil {
		waived(&r, f.WaivedBy)
	}
	return r
}

// The properties of a skip result that name the PolicyException waiving it.
const (
	// PropertyWaivedBy is the exception's name.
	PropertyWaivedBy = "waivedBy"
	// PropertyWaivedUntil is its expiry (RFC 3339).
	PropertyWaivedUntil = "waivedUntil"
	// PropertyWaiverReason is its reason.
	PropertyWaiverReason = "waiverReason"
)

// waived makes r the skip of a finding w waives: OpenReports' skip is a rule
// not applied to the resource, which is what the exception asks for, until
// its expiry; the severity stays the enforcement's.
func waived(r *reportsv1.ReportResult, w *policy.Waiver) {
	r.Result = "skip"
	r.Properties[PropertyWaivedBy] = w.Name
	r.Properties[PropertyWaivedUntil] = w.Expires
	r.Properties[PropertyWaiverReason] = truncate(w.Reason, 256)
}

// description is a result's message: the finding's, and for a waived one the
// exception and its expiry after it, which the cut never takes.
func description(f policy.Finding) string {
	if f.WaivedBy == nil {
		return truncate(f.Message, maxMessage)
	}
	waiver := fmt.Sprintf(" (waived by PolicyException %s until %s)", f.WaivedBy.Name, truncate(f.WaivedBy.Expires, 64))
	return truncate(f.Message, max(maxMessage-len(waiver), 16)) + waiver
}

// truncate cuts s to at most n bytes, on a character boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n-len("...")], "") + "..."
}

// namespaceFindings are the findings of each namespace's Applications, most first.
func (t *tally) namespaceFindings() []namespaceCount {
	var out []namespaceCount
	for ns, r := range t.reports {
		if ns != clusterScope {
			out = append(out, namespaceCount{ns, r.summary.Fail + r.summary.Warn})
		}
	}
	slices.SortFunc(out, func(a, b namespaceCount) int {
		return cmp.Or(cmp.Compare(b.findings, a.findings), cmp.Compare(a.namespace, b.namespace))
	})
	return out
}

type namespaceCount struct {
	namespace string
	findings  int
}
