package clusterconfig_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/tenantguard/tenantguard/clusterconfig"
)

func TestSupervisorDefaults(t *testing.T) {
	s := clusterconfig.Default().Supervisor
	assert.Equal(t, "argocd", s.ArgoCDNamespace)
	assert.Empty(t, s.RepoURL, "no platform repository until the operator names one")
	assert.Equal(t, []string{"values.yaml", "values-images.yaml"}, s.ValueFiles)
	assert.Equal(t, "restricted", s.NamespaceLabels["pod-security.kubernetes.io/enforce"])
	assert.Contains(t, clusterconfig.Default().TrustedIdentities, "system:serviceaccount:tenantguard-system:tenantguard",
		"the supervisor writes as the serve pod's service account and must be trusted for production paths")
}

func TestParseReadsTheSupervisorSection(t *testing.T) {
	cfg, err := clusterconfig.Parse([]byte(`
supervisor:
  repoURL: https://git.example.com/platform/tenants.git
  namespaceLabels: {pod-security.kubernetes.io/enforce: baseline}
  notifications:
    production:
      - {trigger: on-sync-succeeded, service: slack, recipients: deploys}
  namespaceResources:
    production:
      resourceQuota: {hard: {pods: "50"}}
      defaultDenyNetworkPolicy: true
`))
	require.NoError(t, err)
	s := cfg.Supervisor
	assert.Equal(t, "https://git.example.com/platform/tenants.git", s.RepoURL)
	assert.Equal(t, "tenant", s.ChartDirectory, "unset keys keep their default")
	assert.Equal(t, "baseline", s.NamespaceLabels["pod-security.kubernetes.io/enforce"])
	assert.Equal(t, "restricted", s.NamespaceLabels["pod-security.kubernetes.io/warn"], "maps merge into the default")
	assert.Equal(t, map[string]string{"notifications.argoproj.io/subscribe.on-sync-succeeded.slack": "deploys"}, s.SubscriptionAnnotations("production"))
	assert.Empty(t, s.SubscriptionAnnotations("staging"))
	prod := s.NamespaceResources["production"]
	assert.True(t, prod.DefaultDenyNetworkPolicy)
	assert.Equal(t, resource.MustParse("50"), prod.ResourceQuota.Hard["pods"])
	assert.Nil(t, prod.LimitRange)
}

func TestParseRefusesBadSupervisorConfigNamingTheKey(t *testing.T) {
	cases := map[string]struct {
		yaml    string
		wantKey string
	}{
		"an Argo CD namespace that is not a name": {"supervisor: {argocdNamespace: Argo_CD}\n", "supervisor.argocdNamespace"},
		"a repository URL with a space":           {"supervisor: {repoURL: 'https://x y'}\n", "supervisor.repoURL"},
		"a chart directory that climbs":           {"supervisor: {chartDirectory: ../tenant}\n", "supervisor.chartDirectory"},
		"an absolute chart directory":             {"supervisor: {chartDirectory: /tenant}\n", "supervisor.chartDirectory"},
		"an empty value file":                     {"supervisor: {valueFiles: ['']}\n", "supervisor.valueFiles[0]"},
		"a namespace label key that is invalid":   {"supervisor: {namespaceLabels: {'a b': x}}\n", "supervisor.namespaceLabels[a b]"},
		"a namespace label value that is invalid": {"supervisor: {namespaceLabels: {team: 'a b'}}\n", "supervisor.namespaceLabels[team]"},
		"the tenant label among namespace labels": {"supervisor: {namespaceLabels: {tenantguard.io/tenant: x}}\n", "supervisor.namespaceLabels[tenantguard.io/tenant]"},
		"notifications of an unknown environment": {"supervisor: {notifications: {qa: []}}\n", "supervisor.notifications[qa]"},
		"a subscription without recipients":       {"supervisor: {notifications: {staging: [{trigger: on-sync-failed, service: slack}]}}\n", "supervisor.notifications[staging][0].recipients"},
		"a subscription making a bad annotation":  {"supervisor: {notifications: {staging: [{trigger: 'on sync', service: slack, recipients: a}]}}\n", "supervisor.notifications[staging][0]"},
		"resources of an unknown environment":     {"supervisor: {namespaceResources: {qa: {defaultDenyNetworkPolicy: true}}}\n", "supervisor.namespaceResources[qa]"},
		"an unknown key in the resources":         {"supervisor: {namespaceResources: {staging: {quota: {}}}}\n", `unknown field "quota"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := clusterconfig.Parse([]byte(tc.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantKey)
		})
	}
}
