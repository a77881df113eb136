package audit

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
)

// The command lists the cluster's exceptions as it lists its Tenants, and
// judges them at its clock's time.
func TestTheAuditCommandWaivesWhatTheClustersExceptionsWaiveUntilTheyExpire(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, tenantv1.AddToScheme(scheme))
	scheme.AddKnownTypeWithName(ApplicationListGVK.GroupVersion().WithKind("Application"), &unstructured.Unstructured{})
	scheme.AddKnownTypeWithName(ApplicationListGVK, &unstructured.UnstructuredList{})
	appsetList := ApplicationListGVK.GroupVersion().WithKind("ApplicationSetList")
	scheme.AddKnownTypeWithName(appsetList, &unstructured.UnstructuredList{})
	exception, err := exceptionlookup.FromMap(pinShop)
	require.NoError(t, err)
	app := &unstructured.Unstructured{Object: copyOf(pinnedShop)}
	reader := fake.NewClientBuilder().WithScheme(scheme).WithObjects(exception, app).Build()
	snapshot, err := live.Loader{}.Load(t.Context())
	require.NoError(t, err)
	clock := clocktesting.NewFakePassiveClock(time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC))
	waivedBy := func() string {
		results, err := Results(t.Context(), client.Reader(reader), snapshot, Options{Clock: clock})
		require.NoError(t, err)
		require.Len(t, results, 1)
		require.Len(t, results[0].Findings, 1)
		if w := results[0].Findings[0].WaivedBy; w != nil {
			return w.Name
		}
		return ""
	}

	assert.Equal(t, "inc-4211", waivedBy())
	clock.SetTime(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	assert.Empty(t, waivedBy(), "at its expiry the finding is no longer waived")
}
