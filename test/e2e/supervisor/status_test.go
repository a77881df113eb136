package supervisor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	coordinationv1 "k8s.io/api/coordination/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/test/support/cluster"
)

// argoCDController is the user Argo CD's application controller writes as.
const argoCDController = "system:serviceaccount:argocd:argocd-application-controller"

func TestApplicationSyncAndHealthAreMirroredWithoutAWriteToTheApplication(t *testing.T) {
	ctx := context.Background()
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging"})
	waitForReady(t, tenant.Name)
	project := "tenant-" + tenant.Name
	app := get(t, applicationGVK, "argocd", project)
	require.NotNil(t, app)
	applied := applyTime(app)

	// Argo CD compares and syncs, and writes the Application's status.
	argocd := asUser(t, argoCDController)
	require.NoError(t, unstructured.SetNestedField(app.Object, "Synced", "status", "sync", "status"))
	require.NoError(t, unstructured.SetNestedField(app.Object, "Healthy", "status", "health", "status"))
	require.NoError(t, unstructured.SetNestedField(app.Object, "Helm", "status", "sourceType"))
	require.NoError(t, argocd.Update(ctx, app))
	written := app.GetResourceVersion()

	require.Eventually(t, func() bool {
		var got tenantv1.Tenant
		require.NoError(t, env.Client.Get(ctx, client.ObjectKeyFromObject(tenant), &got))
		return got.Status.Sync == "Synced" && got.Status.Health == "Healthy"
	}, within, 20*time.Millisecond, "the Tenant's status mirrors the Application's sync and health")

	after := get(t, applicationGVK, "argocd", project)
	assert.Equal(t, "Helm", nested(after, "status", "sourceType"), "Argo CD's status is left as written")
	assert.Equal(t, written, after.GetResourceVersion(), "nothing changed the Application after Argo CD's write")
	assert.Equal(t, applied, applyTime(after), "the supervisor did not apply it again")

	t.Run("kubectl shows READY, SYNC and HEALTH", func(t *testing.T) {
		out := kubectl(t, "get", "tenant", tenant.Name)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		require.Len(t, lines, 2, out)
		header, row := strings.Fields(lines[0]), strings.Fields(lines[1])
		assert.Equal(t, []string{"NAME", "ENVIRONMENT", "ARCH", "NAMESPACE", "READY", "SYNC", "HEALTH", "AGE"}, header)
		require.Len(t, row, len(header), out)
		assert.Equal(t, []string{"True", "Synced", "Healthy"}, row[4:7])
	})
}

func TestReadyTenantGetsAnEvent(t *testing.T) {
	tenant := createTenant(t, tenantv1.TenantSpec{Environment: "staging"})
	waitForReady(t, tenant.Name)
	require.Eventually(t, func() bool {
		for _, e := range tenantEvents(t, tenant.Name) {
			if e.Reason == "Ready" && e.Type == "Normal" && e.ReportingController == "tenantguard-supervisor" {
				return true
			}
		}
		return false
	}, within, 50*time.Millisecond, "an Event Ready on Tenant %s", tenant.Name)
}

func TestTheSupervisorRunsOnTheElectedLeader(t *testing.T) {
	var lease coordinationv1.Lease
	require.NoError(t, env.Client.Get(context.Background(), client.ObjectKey{Namespace: cluster.ServerNamespace, Name: "tenantguard-supervisor"}, &lease))
	require.NotNil(t, lease.Spec.HolderIdentity)
	assert.NotEmpty(t, *lease.Spec.HolderIdentity, "held by the server, which took it with the RBAC of config/rbac")
}

// tenantEvents are the Events recorded on a Tenant (cluster-scoped, so in namespace default).
func tenantEvents(t *testing.T, name string) []eventsv1.Event {
	t.Helper()
	var list eventsv1.EventList
	require.NoError(t, env.Client.List(context.Background(), &list, client.InNamespace(metav1.NamespaceDefault)))
	var out []eventsv1.Event
	for _, e := range list.Items {
		if e.Regarding.Kind == "Tenant" && e.Regarding.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// applyTime is when the supervisor last applied the object.
func applyTime(obj *unstructured.Unstructured) string {
	for _, f := range obj.GetManagedFields() {
		if f.Manager == "tenantguard-supervisor" && f.Operation == metav1.ManagedFieldsOperationApply {
			return f.Time.String()
		}
	}
	return ""
}
