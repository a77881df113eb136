package install

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// supervisorGrants are everything the server may do cluster-wide with the
// supervisor on: read Tenants for the webhooks; put the finalizer on them,
// write their status, own objects that block their deletion; write and delete
// the namespaces, quotas, limit ranges, network policies, AppProjects and
// Applications it makes; record Events. One "group/resource verb" each.
var supervisorGrants = grants(
	"tenantguard.io/tenants", "get list watch patch",
	"tenantguard.io/tenants/status", "patch",
	"tenantguard.io/tenants/finalizers", "update",
	"/namespaces", "get list watch create patch delete",
	"/resourcequotas", "get list watch create patch delete",
	"/limitranges", "get list watch create patch delete",
	"networking.k8s.io/networkpolicies", "get list watch create patch delete",
	"argoproj.io/appprojects", "get list watch create patch delete",
	"argoproj.io/applications", "get list watch create patch delete",
	"events.k8s.io/events", "create patch",
)

// auditGrants are what the audit adds: list every Application and
// ApplicationSet, write the Tenants' PolicyCompliant condition, write and
// delete its OpenReports.
var auditGrants = grants(
	"argoproj.io/applications", "list",
	"argoproj.io/applicationsets", "list",
	"tenantguard.io/tenants/status", "patch",
	"openreports.io/reports", "list create patch delete",
	"openreports.io/clusterreports", "list create patch delete",
)

// union merges grant lists, each grant once, sorted.
func union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// leaderElectionGrants are what the server may do in its own namespace: hold
// the Lease tenantguard-supervisor, and record the election as Events.
var leaderElectionGrants = grants(
	"coordination.k8s.io/leases", "create",
	"coordination.k8s.io/leases[tenantguard-supervisor]", "get update",
	"/events", "create patch",
)

// TestRolesGrantExactlyWhatTheServerNeeds renders the chart and
// config/default and checks that their roles grant exactly the verbs above,
// no more (no Secrets, no wildcards, nothing in other namespaces), and that
// the chart without the supervisor grants only reading Tenants; the audit,
// by the chart's value or config/default-audit, adds auditGrants.
func TestRolesGrantExactlyWhatTheServerNeeds(t *testing.T) {
	renderings := map[string]struct {
		objs             func(*testing.T) []*unstructured.Unstructured
		cluster, release []string
	}{
		"config/default": {
			objs:    func(t *testing.T) []*unstructured.Unstructured { return kustomizeBuild(t, "default") },
			cluster: supervisorGrants, release: leaderElectionGrants,
		},
		"the chart with default values": {
			objs: func(t *testing.T) []*unstructured.Unstructured {
				return helmTemplate(t, "tenantguard", "tenantguard-system")
			},
			cluster: supervisorGrants, release: leaderElectionGrants,
		},
		"the chart without the supervisor": {
			objs: func(t *testing.T) []*unstructured.Unstructured {
				return helmTemplate(t, "tenantguard", "tenantguard-system", "--set", "supervisor.enabled=false")
			},
			cluster: grants("tenantguard.io/tenants", "get list watch"),
		},
		"config/default-audit": {
			objs:    func(t *testing.T) []*unstructured.Unstructured { return kustomizeBuild(t, "default-audit") },
			cluster: union(supervisorGrants, auditGrants), release: leaderElectionGrants,
		},
		"the chart with the audit": {
			objs: func(t *testing.T) []*unstructured.Unstructured {
				return helmTemplate(t, "tenantguard", "tenantguard-system", "--set", "audit.enabled=true")
			},
			cluster: union(supervisorGrants, auditGrants), release: leaderElectionGrants,
		},
		"the chart with the audit and without the supervisor": {
			objs: func(t *testing.T) []*unstructured.Unstructured {
				return helmTemplate(t, "tenantguard", "tenantguard-system", "--set", "audit.enabled=true", "--set", "supervisor.enabled=false")
			},
			cluster: union(grants("tenantguard.io/tenants", "get list watch"), auditGrants), release: leaderElectionGrants,
		},
	}
	for name, tc := range renderings {
		t.Run(name, func(t *testing.T) {
			objs := tc.objs(t)
			clusterRoles, roles := ofKind(objs, "ClusterRole"), ofKind(objs, "Role")
			require.NotEmpty(t, clusterRoles)
			var granted [][]string
			for _, role := range clusterRoles {
				granted = append(granted, ruleGrants(t, role))
			}
			assert.Equal(t, tc.cluster, union(granted...), "the ClusterRoles")
			assert.Len(t, ofKind(objs, "ClusterRoleBinding"), len(clusterRoles), "each ClusterRole bound")
			if tc.release == nil {
				assert.Empty(t, roles, "no Role without the supervisor")
				assert.Empty(t, ofKind(objs, "RoleBinding"))
				return
			}
			require.Len(t, roles, 1)
			assert.Equal(t, "tenantguard-system", roles[0].GetNamespace(), "the Role is in the server's own namespace")
			assert.Equal(t, tc.release, ruleGrants(t, roles[0]), "the Role")
			bindings := ofKind(objs, "RoleBinding")
			require.Len(t, bindings, 1)
			assert.Equal(t, "tenantguard-system", bindings[0].GetNamespace())
		})
	}
}

// grants builds the sorted "group/resource verb" list from resource, verbs pairs.
func grants(pairs ...string) []string {
	var out []string
	for i := 0; i < len(pairs); i += 2 {
		for _, verb := range strings.Fields(pairs[i+1]) {
			out = append(out, pairs[i]+" "+verb)
		}
	}
	sort.Strings(out)
	return out
}

// ruleGrants lists what a role's rules grant, one "group/resource verb" per
// pair, resource names in brackets.
func ruleGrants(t *testing.T, role *unstructured.Unstructured) []string {
	t.Helper()
	var typed rbacv1.Role
	require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructured(role.Object, &typed))
	var out []string
	for _, rule := range typed.Rules {
		assert.Empty(t, rule.NonResourceURLs, "no non-resource URLs")
		for _, group := range rule.APIGroups {
			for _, resource := range rule.Resources {
				name := group + "/" + resource
				if len(rule.ResourceNames) > 0 {
					name += fmt.Sprintf("[%s]", strings.Join(rule.ResourceNames, ","))
				}
				for _, verb := range rule.Verbs {
					out = append(out, name+" "+verb)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}
