package live_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/event"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/engine/live"
)

func TestResendSendsEveryObjectAfterEachReload(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, tenantv1.AddToScheme(scheme))
	reader := fake.NewClientBuilder().WithScheme(scheme).WithObjects(
		&tenantv1.Tenant{ObjectMeta: metav1.ObjectMeta{Name: "shop"}},
		&tenantv1.Tenant{ObjectMeta: metav1.ObjectMeta{Name: "blog"}},
	).Build()
	first, err := live.Loader{}.Load(t.Context())
	require.NoError(t, err)
	current := live.NewCurrent(first)
	out := make(chan event.TypedGenericEvent[*tenantv1.Tenant])
	resend := live.NewResend(current, reader, func() client.ObjectList { return &tenantv1.TenantList{} }, out)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { _ = resend.Start(ctx) }()

	select {
	case e := <-out:
		t.Fatalf("%s was sent before any reload", e.Object.Name)
	case <-time.After(50 * time.Millisecond):
	}
	for range 2 {
		current.Set(first)
		names := []string{(<-out).Object.Name, (<-out).Object.Name}
		assert.ElementsMatch(t, []string{"shop", "blog"}, names, "every Tenant, once a reload")
	}
	assert.True(t, resend.NeedLeaderElection(), "only the leader's controllers read what it sends")
}
