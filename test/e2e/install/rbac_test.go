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

// exceptionGrants are what the server needs of PolicyExceptions whatever
// else runs: the webhooks' cache reads them, and the exception controller
// writes their status and deletes them exceptions.deleteExpiredAfter past
// their expiry.
var exceptionGrants = grants(
	"tenantguard.io/policyexceptions", "get list watch delete",
	"tenantguard.io/policyexceptions/status", "update patch",
)

// approverGrants are the exception approver role's; viewerGrants the role
// aggregated to view.
var (
	approverGrants = grants("tenantguard.io/policyexceptions", "get list watch create update patch delete")
	viewerGrants   = grants("tenantguard.io/policyexceptions", "get list watch")
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
			cluster: union(supervisorGrants, exceptionGrants), release: leaderElectionGrants,
		},
		"the chart with default values": {
			objs: func(t *testing.T) []*unstructured.Unstructured {
				return helmTemplate(t, "tenantguard", "tenantguard-system")
			},
			cluster: union(supervisorGrants, exceptionGrants), release: leaderElectionGrants,
		},
		"the chart without the supervisor": {
			objs: func(t *testing.T) []*unstructured.Unstructured {
				return helmTemplate(t, "tenantguard", "tenantguard-system", "--set", "supervisor.enabled=false")
			},
			cluster: union(grants("tenantguard.io/tenants", "get list watch"), exceptionGrants),
		},
		"config/default-audit": {
			objs:    func(t *testing.T) []*unstructured.Unstructured { return kustomizeBuild(t, "default-audit") },
			cluster: union(supervisorGrants, exceptionGrants, auditGrants), release: leaderElectionGrants,
		},
		"the chart with the audit": {
			objs: func(t *testing.T) []*unstructured.Unstructured {
				return helmTemplate(t, "tenantguard", "tenantguard-system", "--set", "audit.enabled=true")
			},
			cluster: union(supervisorGrants, exceptionGrants, auditGrants), release: leaderElectionGrants,
		},
		"the chart with the audit and without the supervisor": {
			objs: func(t *testing.T) []*unstructured.Unstructured {
				return helmTemplate(t, "tenantguard", "tenantguard-system", "--set", "audit.enabled=true", "--set", "supervisor.enabled=false")
			},
			cluster: union(grants("tenantguard.io/tenants", "get list watch"), exceptionGrants, auditGrants), release: leaderElectionGrants,
		},
	}
	for name, tc := range renderings {
		t.Run(name, func(t *testing.T) {
			objs := tc.objs(t)
			clusterRoles, roles := serverClusterRoles(objs), ofKind(objs, "Role")
			require.NotEmpty(t, clusterRoles)
			var granted [][]string
			for _, role := range clusterRoles {
				granted = append(granted, ruleGrants(t, role))
			}
			assert.Equal(t, tc.cluster, union(granted...), "the ClusterRoles bound to the server")
			assert.Len(t, ofKind(objs, "ClusterRole"), len(clusterRoles)+2,
				"no ClusterRole but the server's and the exception approver's and viewer's")
			assert.Len(t, ofKind(objs, "ClusterRoleBinding"), len(clusterRoles), "no ClusterRoleBinding but the server's")
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

// serverClusterRoles are the ClusterRoles bound to the server's ServiceAccount.
func serverClusterRoles(objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, b := range ofKind(objs, "ClusterRoleBinding") {
		var binding rbacv1.ClusterRoleBinding
		if runtime.DefaultUnstructuredConverter.FromUnstructured(b.Object, &binding) != nil {
			continue
		}
		for _, subject := range binding.Subjects {
			if subject.Kind != rbacv1.ServiceAccountKind {
				continue
			}
			for _, role := range ofKind(objs, "ClusterRole") {
				if role.GetName() == binding.RoleRef.Name {
					out = append(out, role)
				}
			}
		}
	}
	return out
}

// TestTheExceptionApproverRoleIsBoundToNoOneByDefault renders the chart and
// config/default: both have the approver role, bound to no one, and the
// viewer role, aggregated to view; the chart's exceptions.approvers values
// bind the approver role to those users and groups and name them approvers
// in the cluster config, which the webhook reads.
func TestTheExceptionApproverRoleIsBoundToNoOneByDefault(t *testing.T) {
	for name, render := range map[string]func(*testing.T) []*unstructured.Unstructured{
		"config/default": func(t *testing.T) []*unstructured.Unstructured { return kustomizeBuild(t, "default") },
		"the chart with default values": func(t *testing.T) []*unstructured.Unstructured {
			return helmTemplate(t, "tenantguard", "tenantguard-system")
		},
	} {
		t.Run(name, func(t *testing.T) {
			objs := render(t)
			assert.Equal(t, approverGrants, ruleGrants(t, find(t, objs, "ClusterRole", "tenantguard-exception-approver")))
			viewer := find(t, objs, "ClusterRole", "tenantguard-exception-viewer")
			assert.Equal(t, viewerGrants, ruleGrants(t, viewer))
			assert.Equal(t, "true", viewer.GetLabels()["rbac.authorization.k8s.io/aggregate-to-view"])
			for _, b := range ofKind(objs, "ClusterRoleBinding") {
				ref, _, _ := unstructured.NestedString(b.Object, "roleRef", "name")
				assert.NotContains(t, ref, "exception", "ClusterRoleBinding %s binds an exception role", b.GetName())
			}
		})
	}

	objs := helmTemplate(t, "tenantguard", "tenantguard-system",
		"--set", "exceptions.approvers.users={oncall-lead}", "--set", "exceptions.approvers.groups={platform-approvers}",
		"--set", "clusterConfig.exceptions.maxDuration=24h")
	var binding rbacv1.ClusterRoleBinding
	require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructured(
		find(t, objs, "ClusterRoleBinding", "tenantguard-exception-approver").Object, &binding))
	assert.Equal(t, "tenantguard-exception-approver", binding.RoleRef.Name)
	assert.Equal(t, []rbacv1.Subject{
		{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "oncall-lead"},
		{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: "platform-approvers"},
	}, binding.Subjects)
	config, _, _ := unstructured.NestedString(find(t, objs, "ConfigMap", "tenantguard-config").Object, "data", "config.yaml")
	assert.YAMLEq(t, "exceptions: {approvers: [oncall-lead], approverGroups: [platform-approvers], maxDuration: 24h}", config)
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
