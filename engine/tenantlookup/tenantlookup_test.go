package tenantlookup_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
)

// tenants: shop owns tenant-shop by default; blue and green both claim
// shared; a second "shop" document (eval only) comes after the first.
func tenants() []*tenantv1.Tenant {
	return []*tenantv1.Tenant{
		{ObjectMeta: metav1.ObjectMeta{Name: "shop"}, Spec: tenantv1.TenantSpec{Environment: "staging"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "green"}, Spec: tenantv1.TenantSpec{Environment: "staging", Namespace: "shared"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "blue"}, Spec: tenantv1.TenantSpec{Environment: "production", Namespace: "shared"}},
	}
}

// lookups are the cache's and eval's lookups over the same Tenants: they must answer alike.
func lookups(t *testing.T) map[string]tenantlookup.Lookup {
	cfg := clusterconfig.Default()
	scheme := runtime.NewScheme()
	require.NoError(t, tenantv1.AddToScheme(scheme))
	builder := fake.NewClientBuilder().WithScheme(scheme).WithIndex(&tenantv1.Tenant{}, tenantlookup.NamespaceIndex, tenantlookup.SpecNamespace)
	var maps []map[string]any
	for _, tn := range tenants() {
		builder = builder.WithObjects(tn)
		obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(tn)
		require.NoError(t, err)
		maps = append(maps, obj)
	}
	duplicate := map[string]any{"metadata": map[string]any{"name": "shop"}, "spec": map[string]any{"namespace": "elsewhere"}}
	return map[string]tenantlookup.Lookup{
		"cache": &tenantlookup.Finder{Reader: builder.Build(), Config: func() *clusterconfig.ClusterConfig { return cfg }},
		"eval":  tenantlookup.NewIndex(append(maps, duplicate), cfg),
	}
}

func application(labels map[string]any, namespace any) map[string]any {
	return map[string]any{
		"metadata": map[string]any{"name": "app", "labels": labels},
		"spec":     map[string]any{"destination": map[string]any{"namespace": namespace}},
	}
}

func TestForApplicationFindsOneTenantOrSaysWhy(t *testing.T) {
	tests := map[string]struct {
		app        map[string]any
		wantTenant string
		want       tenantlookup.Search
	}{
		"the labelled Tenant": {
			app: application(map[string]any{tenantv1.TenantLabel: "shop"}, "shared"), wantTenant: "shop",
			want: tenantlookup.Search{Label: "shop", Namespace: "shared", Matches: []string{"shop"}},
		},
		"a label naming a Tenant that does not exist finds none, without falling back": {
			app:  application(map[string]any{tenantv1.TenantLabel: "gone"}, "tenant-shop"),
			want: tenantlookup.Search{Label: "gone", Namespace: "tenant-shop", Matches: []string{}},
		},
		"an empty label counts as absent: the namespace's owner": {
			app: application(map[string]any{tenantv1.TenantLabel: ""}, "tenant-shop"), wantTenant: "shop",
			want: tenantlookup.Search{Namespace: "tenant-shop", Matches: []string{"shop"}},
		},
		"a label that is not a string counts as absent": {
			app: application(map[string]any{tenantv1.TenantLabel: 5}, "tenant-shop"), wantTenant: "shop",
			want: tenantlookup.Search{Namespace: "tenant-shop", Matches: []string{"shop"}},
		},
		"two Tenants claiming the namespace: both named, neither chosen": {
			app:  application(nil, "shared"),
			want: tenantlookup.Search{Namespace: "shared", Matches: []string{"blue", "green"}},
		},
		"a namespace nobody owns": {
			app:  application(nil, "nobody"),
			want: tenantlookup.Search{Namespace: "nobody", Matches: []string{}},
		},
		"no label and no destination": {
			app:  application(nil, nil),
			want: tenantlookup.Search{Matches: []string{}},
		},
	}
	for lookupName, lookup := range lookups(t) {
		for name, tt := range tests {
			t.Run(lookupName+"/"+name, func(t *testing.T) {
				got, err := tenantlookup.ForApplication(context.Background(), lookup, tt.app)
				require.NoError(t, err)
				assert.Equal(t, tt.want, *got.Lookup)
				assert.Equal(t, tt.wantTenant, model.Name(got.Tenant))
				assert.Nil(t, got.NamespaceClaims)
			})
		}
	}
}

func TestForTenantNamesTheOtherClaimsOnItsNamespace(t *testing.T) {
	tests := map[string]struct {
		name, namespace string
		want            []string
	}{
		"a Tenant alone on its namespace":           {"shop", "tenant-shop", []string{}},
		"a Tenant sharing its namespace":            {"green", "shared", []string{"blue"}},
		"a new Tenant on a namespace two claim":     {"red", "shared", []string{"blue", "green"}},
		"a new Tenant on a namespace nobody claims": {"red", "tenant-red", []string{}},
	}
	for lookupName, lookup := range lookups(t) {
		for name, tt := range tests {
			t.Run(lookupName+"/"+name, func(t *testing.T) {
				tenant := map[string]any{"metadata": map[string]any{"name": tt.name}}
				got, err := tenantlookup.ForTenant(context.Background(), lookup, tenant, tt.namespace)
				require.NoError(t, err)
				assert.Equal(t, tt.want, got.NamespaceClaims)
				assert.Nil(t, got.Tenant)
				assert.Nil(t, got.Lookup)
			})
		}
	}
}

func TestTheCacheFollowsAReloadedNamespacePrefix(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, tenantv1.AddToScheme(scheme))
	reader := fake.NewClientBuilder().WithScheme(scheme).
		WithIndex(&tenantv1.Tenant{}, tenantlookup.NamespaceIndex, tenantlookup.SpecNamespace).
		WithObjects(&tenantv1.Tenant{ObjectMeta: metav1.ObjectMeta{Name: "shop"}, Spec: tenantv1.TenantSpec{Environment: "staging"}}).
		Build()
	served := clusterconfig.Default()
	finder := &tenantlookup.Finder{Reader: reader, Config: func() *clusterconfig.ClusterConfig { return served }}
	owners := func(namespace string) []string {
		found, err := finder.Owners(t.Context(), namespace)
		require.NoError(t, err)
		var names []string
		for _, tn := range found {
			names = append(names, model.Name(tn))
		}
		return names
	}
	require.Equal(t, []string{"shop"}, owners(served.TenantNamespace("shop")))

	reloaded := *served
	reloaded.TenantNaming.NamespacePrefix = "team-"
	served = &reloaded

	assert.Equal(t, []string{"shop"}, owners("team-shop"), "the Tenant owns the namespace the reloaded prefix gives it")
	assert.Empty(t, owners("tenant-shop"), "and no longer the old one")
}
