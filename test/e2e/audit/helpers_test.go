package audit

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	reportsv1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/audit"
	"github.com/tenantguard/tenantguard/test/support/cluster/standin"
)

var applicationGVK = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}

// within is how long the audit gets to see a change: a few intervals.
const within = 20 * time.Second

var counter atomic.Int32

// createNamespace creates a namespace of its own for a test's Applications,
// so that its Report holds only that test's findings.
func createNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("apps%d", counter.Add(1))}}
	require.NoError(t, env.Client.Create(context.Background(), ns))
	return ns.Name
}

// createTenant creates a staging Tenant and waits until the webhook's cache has it.
func createTenant(t *testing.T, arch string) *tenantv1.Tenant {
	t.Helper()
	tenant := &tenantv1.Tenant{Spec: tenantv1.TenantSpec{Environment: "staging", Arch: arch}}
	tenant.Name = fmt.Sprintf("aud%d", counter.Add(1))
	require.NoError(t, env.Client.Create(context.Background(), tenant))
	t.Cleanup(func() {
		tenant.Annotations = map[string]string{tenantv1.AllowDeleteAnnotation: "true"}
		_ = env.Client.Update(context.Background(), tenant)
		_ = env.Client.Delete(context.Background(), tenant)
	})
	require.Eventually(t, func() bool {
		return env.Cache.Get(context.Background(), client.ObjectKeyFromObject(tenant), &tenantv1.Tenant{}) == nil
	}, within, 10*time.Millisecond, "the webhook's cache sees Tenant %s", tenant.Name)
	return tenant
}

// createApplication creates a clean Application of tenant in namespace ns,
// through the webhooks, which default its arch nodeSelector from the Tenant.
func createApplication(t *testing.T, ns string, tenant *tenantv1.Tenant) *unstructured.Unstructured {
	t.Helper()
	app := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{
		"project":     "tenant-" + tenant.Name,
		"destination": map[string]any{"server": "https://kubernetes.default.svc", "namespace": "tenant-" + tenant.Name},
		"source":      map[string]any{"repoURL": repoURL, "path": "staging/" + tenant.Name},
		"syncPolicy":  map[string]any{"automated": map[string]any{"selfHeal": true}},
	}}}
	app.SetGroupVersionKind(applicationGVK)
	app.SetNamespace(ns)
	app.SetName(fmt.Sprintf("app%d", counter.Add(1)))
	app.SetLabels(map[string]string{tenantv1.TenantLabel: tenant.Name})
	require.NoError(t, env.Client.Create(context.Background(), app))
	t.Cleanup(func() { deleteApplication(t, app) })
	return app
}

// deleteApplication deletes an Application and plays Argo CD with its
// stand-in, which removes the resources finalizer as Argo CD does once it has
// pruned.
func deleteApplication(t *testing.T, app *unstructured.Unstructured) {
	t.Helper()
	ctx := context.Background()
	if err := env.Client.Delete(ctx, app); apierrors.IsNotFound(err) {
		return
	}
	require.Eventually(t, func() bool {
		_, err := standin.ReleaseApplication(ctx, env.Client, client.ObjectKeyFromObject(app))
		require.NoError(t, err)
		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(applicationGVK)
		return apierrors.IsNotFound(env.Client.Get(ctx, client.ObjectKeyFromObject(app), got))
	}, within, 50*time.Millisecond, "Application %s is deleted", app.GetName())
}

// setArch changes a Tenant's arch, as an operator would.
func setArch(t *testing.T, tenant *tenantv1.Tenant, arch string) {
	t.Helper()
	patch := []byte(fmt.Sprintf(`{"spec":{"arch":%q}}`, arch))
	require.NoError(t, env.Client.Patch(context.Background(), tenant, client.RawPatch("application/merge-patch+json", patch)))
}

// writeConfig replaces the served cluster config; the server reloads it.
func writeConfig(t *testing.T, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(configFile, []byte(content), 0o600))
}

// report reads the audit's Report of namespace ns, nil when there is none.
func report(t *testing.T, ns string) *reportsv1.Report {
	t.Helper()
	var r reportsv1.Report
	err := reader.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: audit.ReportName}, &r)
	if apierrors.IsNotFound(err) {
		return nil
	}
	require.NoError(t, err)
	return &r
}

// rulesAbout lists the rules of a report's results about the named object.
func rulesAbout(r *reportsv1.Report, name string) []string {
	if r == nil {
		return nil
	}
	var rules []string
	for _, res := range r.Results {
		if slices.ContainsFunc(res.Subjects, func(s corev1.ObjectReference) bool { return s.Name == name }) {
			rules = append(rules, res.Policy)
		}
	}
	return rules
}

// waitForRules waits until the Report of ns lists exactly want about the
// object named name, and returns it.
func waitForRules(t *testing.T, ns, name string, want ...string) *reportsv1.Report {
	t.Helper()
	var last *reportsv1.Report
	require.Eventually(t, func() bool {
		last = report(t, ns)
		return slices.Equal(rulesAbout(last, name), want)
	}, within, 50*time.Millisecond, "Report of %s: want rules %v about %s, last seen %v", ns, want, name, rulesAbout(last, name))
	return last
}

// waitForNoReport waits until namespace ns has no Report of the audit.
func waitForNoReport(t *testing.T, ns string) {
	t.Helper()
	require.Eventually(t, func() bool { return report(t, ns) == nil }, within, 50*time.Millisecond, "the Report of %s is removed", ns)
}

// waitForCompliance waits until the Tenant's PolicyCompliant condition has
// status and its message contains each of messages, and returns the condition.
func waitForCompliance(t *testing.T, name string, status metav1.ConditionStatus, messages ...string) *metav1.Condition {
	t.Helper()
	var last *metav1.Condition
	require.Eventually(t, func() bool {
		var tenant tenantv1.Tenant
		if err := reader.Get(context.Background(), client.ObjectKey{Name: name}, &tenant); err != nil {
			return false
		}
		last = meta.FindStatusCondition(tenant.Status.Conditions, tenantv1.ConditionPolicyCompliant)
		return last != nil && last.Status == status && !slices.ContainsFunc(messages, func(m string) bool {
			return !strings.Contains(last.Message, m)
		})
	}, within, 50*time.Millisecond, "Tenant %s: want PolicyCompliant=%s with %q, last seen %+v", name, status, messages, last)
	return last
}

// waitForTenantFindings waits until the Tenant's PolicyCompliant condition
// counts exactly the results the Reports hold about its Applications: apps
// in namespace ns, and the supervisor's own Application of the tenant in
// argocd (which follows the Tenant's arch, so has none once the supervisor
// has applied it again). It returns the count, at least min.
func waitForTenantFindings(t *testing.T, tenant, ns string, min int, apps ...string) int {
	t.Helper()
	var want string
	var last *metav1.Condition
	count, withFindings := 0, 0
	require.Eventually(t, func() bool {
		count, withFindings = 0, 0
		for scope, names := range map[string][]string{ns: apps, "argocd": {"tenant-" + tenant}} {
			r := report(t, scope)
			for _, name := range names {
				if n := len(rulesAbout(r, name)); n > 0 {
					count += n
					withFindings++
				}
			}
		}
		want = fmt.Sprintf("%d findings on %d of the tenant's Applications", count, withFindings)
		var stored tenantv1.Tenant
		if reader.Get(context.Background(), client.ObjectKey{Name: tenant}, &stored) != nil {
			return false
		}
		last = meta.FindStatusCondition(stored.Status.Conditions, tenantv1.ConditionPolicyCompliant)
		return count >= min && last != nil && last.Status == metav1.ConditionFalse && strings.HasPrefix(last.Message, want)
	}, within, 50*time.Millisecond, "Tenant %s: want PolicyCompliant=False, %q", tenant, &want)
	return count
}
