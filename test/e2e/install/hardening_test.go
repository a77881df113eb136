package install

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// TestNetworkPolicyAdmitsTheWebhookFromWebhookFrom renders the chart's
// NetworkPolicy and checks, on the networking/v1 types, that the webhook port
// is admitted from exactly the peers of networkPolicy.webhookFrom, and from
// anywhere (a rule without "from") when that list is empty, and likewise the
// metrics port from networkPolicy.metricsFrom. Nothing else is admitted: the
// policy has one rule per port and selects the webhook's pods.
func TestNetworkPolicyAdmitsTheWebhookFromWebhookFrom(t *testing.T) {
	controlPlane := networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: "192.0.2.0/24"}}
	everyPod := networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{}}
	custom := customNetworkPolicyValues(t)

	cases := []struct {
		name                     string
		args                     []string
		webhookFrom, metricsFrom []networkingv1.NetworkPolicyPeer
	}{{
		name:        "webhookFrom an ipBlock",
		args:        []string{"--set", "networkPolicy.enabled=true", "--set-json", `networkPolicy.webhookFrom=[{"ipBlock":{"cidr":"192.0.2.0/24"}}]`},
		webhookFrom: []networkingv1.NetworkPolicyPeer{controlPlane},
		metricsFrom: []networkingv1.NetworkPolicyPeer{everyPod},
	}, {
		name:        "empty webhookFrom admits the webhook port from anywhere",
		args:        []string{"--set", "networkPolicy.enabled=true"},
		webhookFrom: nil,
		metricsFrom: []networkingv1.NetworkPolicyPeer{everyPod},
	}, {
		name:        "empty metricsFrom admits the metrics port from anywhere",
		args:        []string{"--set", "networkPolicy.enabled=true", "--set-json", "networkPolicy.metricsFrom=[]"},
		webhookFrom: nil,
		metricsFrom: nil,
	}, {
		name:        "ci/custom-values.yaml",
		args:        []string{"--values", customValues},
		webhookFrom: custom.WebhookFrom,
		metricsFrom: custom.MetricsFrom,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			objs := helmTemplate(t, "tenantguard", "tenantguard-system", tc.args...)
			policy := networkPolicy(t, objs)
			deployment := theDeployment(t, objs)

			assert.Equal(t, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}, policy.Spec.PolicyTypes)
			assert.Equal(t, deployment.Spec.Selector, &policy.Spec.PodSelector, "the policy selects the webhook's pods")
			require.Len(t, policy.Spec.Ingress, 2, "one rule for the webhook port, one for metrics, none for any other port")
			webhook, metrics := policy.Spec.Ingress[0], policy.Spec.Ingress[1]
			assert.Equal(t, []networkingv1.NetworkPolicyPort{namedPort("webhook")}, webhook.Ports)
			assert.Equal(t, []networkingv1.NetworkPolicyPort{namedPort("metrics")}, metrics.Ports)
			assert.Equal(t, tc.webhookFrom, webhook.From, "the webhook rule's peers")
			assert.Equal(t, tc.metricsFrom, metrics.From, "the metrics rule's peers")

			// The named ports must be the container's, or the rules admit nothing.
			ports := map[string]bool{}
			for _, p := range tenantguardContainer(t, deployment).Ports {
				ports[p.Name] = true
			}
			assert.True(t, ports["webhook"] && ports["metrics"], "the container names the ports webhook and metrics: %v", ports)
		})
	}

	t.Run("off by default", func(t *testing.T) {
		assert.Empty(t, ofKind(helmTemplate(t, "tenantguard", "tenantguard-system"), "NetworkPolicy"))
	})
}

// TestValuesSchemaRefusesBadPeers checks that values.schema.json holds
// webhookFrom and metricsFrom to NetworkPolicyPeers, so that a typo fails at
// `helm install` instead of admitting a port from somewhere unintended.
func TestValuesSchemaRefusesBadPeers(t *testing.T) {
	helm := tool(t, "TENANTGUARD_HELM")
	bad := map[string]string{
		"an ipBlock beside a selector":     `networkPolicy.webhookFrom=[{"ipBlock":{"cidr":"10.0.0.0/8"},"podSelector":{}}]`,
		"an unknown peer key":              `networkPolicy.webhookFrom=[{"ipblock":{"cidr":"10.0.0.0/8"}}]`,
		"an empty peer":                    `networkPolicy.webhookFrom=[{}]`,
		"an ipBlock without cidr":          `networkPolicy.webhookFrom=[{"ipBlock":{"except":["10.0.0.0/9"]}}]`,
		"an unknown selector key":          `networkPolicy.metricsFrom=[{"namespaceSelector":{"matchLabel":{"a":"b"}}}]`,
		"a bad selector operator":          `networkPolicy.metricsFrom=[{"podSelector":{"matchExpressions":[{"key":"a","operator":"Equals"}]}}]`,
		"a peer that is not an object":     `networkPolicy.webhookFrom=["10.0.0.0/8"]`,
		"the old metricsNamespaceSelector": `networkPolicy.metricsNamespaceSelector={}`,
	}
	for name, value := range bad {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(helm, "template", "tenantguard", chartDir, "--kube-version", kubeVersion, "--set-json", value)
			out, err := cmd.CombinedOutput()
			assert.Error(t, err, "helm template accepted %s", value)
			assert.Contains(t, string(out), "values don't meet the specifications of the schema")
			assert.Contains(t, string(out), "at '/networkPolicy", "refused for the networkPolicy value")
		})
	}
}

// TestGoMemLimitFollowsTheMemoryLimit checks that the server's container, from
// the chart and from config/default, is given its own memory limit in bytes
// (serve sets Go's memory limit to nine tenths of it), that the limit is
// there, 512Mi in both, and that GOMEMLIMIT is not set over it. Without a
// limit the chart leaves the variable out rather than pass the node's memory.
func TestGoMemLimitFollowsTheMemoryLimit(t *testing.T) {
	for name, render := range installRenderings() {
		t.Run(name, func(t *testing.T) {
			c := tenantguardContainer(t, theDeployment(t, render(t)))
			limit, ok := c.Resources.Limits[corev1.ResourceMemory]
			require.True(t, ok, "the container has a memory limit")
			assert.Equal(t, "512Mi", limit.String())

			assert.Nil(t, envVar(c, "GOMEMLIMIT"), "Go's limit is set by serve from the container's")
			env := envVar(c, memoryLimitEnv)
			require.NotNil(t, env, "the container is given %s", memoryLimitEnv)
			assert.Empty(t, env.Value, "read from the limit, not written")
			require.NotNil(t, env.ValueFrom)
			ref := env.ValueFrom.ResourceFieldRef
			require.NotNil(t, ref, "%s comes from a resourceFieldRef", memoryLimitEnv)
			assert.Equal(t, "limits.memory", ref.Resource)
			assert.Equal(t, 0, ref.Divisor.Cmp(resource.MustParse("1")), "in bytes (divisor 1), not %s", ref.Divisor.String())
			if ref.ContainerName != "" {
				assert.Equal(t, c.Name, ref.ContainerName, "the limit of the server's own container")
			}
		})
	}

	t.Run("the chart without a memory limit", func(t *testing.T) {
		objs := helmTemplate(t, "tenantguard", "tenantguard-system", "--set", "resources.limits=null")
		c := tenantguardContainer(t, theDeployment(t, objs))
		assert.NotContains(t, c.Resources.Limits, corev1.ResourceMemory)
		assert.Nil(t, envVar(c, memoryLimitEnv), "no memory limit passed without one")
		assert.Nil(t, envVar(c, "GOMEMLIMIT"))
	})
}

// networkPolicyValues are the chart's networkPolicy peer lists.
type networkPolicyValues struct {
	WebhookFrom []networkingv1.NetworkPolicyPeer `json:"webhookFrom"`
	MetricsFrom []networkingv1.NetworkPolicyPeer `json:"metricsFrom"`
}

// customNetworkPolicyValues reads the networkPolicy peers of ci/custom-values.yaml.
func customNetworkPolicyValues(t *testing.T) networkPolicyValues {
	t.Helper()
	data, err := os.ReadFile(customValues)
	require.NoError(t, err)
	var values struct {
		NetworkPolicy networkPolicyValues `json:"networkPolicy"`
	}
	require.NoError(t, yaml.Unmarshal(data, &values))
	require.NotEmpty(t, values.NetworkPolicy.WebhookFrom, "ci/custom-values.yaml exercises webhookFrom")
	require.NotEmpty(t, values.NetworkPolicy.MetricsFrom, "ci/custom-values.yaml exercises metricsFrom")
	return values.NetworkPolicy
}

func namedPort(name string) networkingv1.NetworkPolicyPort {
	port := intstr.FromString(name)
	return networkingv1.NetworkPolicyPort{Port: &port}
}

// networkPolicy is the one rendered NetworkPolicy, decoded strictly so that a
// misspelt field fails the test instead of being dropped.
func networkPolicy(t *testing.T, objs []*unstructured.Unstructured) *networkingv1.NetworkPolicy {
	t.Helper()
	policies := ofKind(objs, "NetworkPolicy")
	require.Len(t, policies, 1)
	var p networkingv1.NetworkPolicy
	require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(policies[0].Object, &p, true))
	return &p
}

func theDeployment(t *testing.T, objs []*unstructured.Unstructured) *appsv1.Deployment {
	t.Helper()
	deployments := ofKind(objs, "Deployment")
	require.Len(t, deployments, 1)
	var d appsv1.Deployment
	require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(deployments[0].Object, &d, true))
	return &d
}

func tenantguardContainer(t *testing.T, d *appsv1.Deployment) *corev1.Container {
	t.Helper()
	for i, c := range d.Spec.Template.Spec.Containers {
		if c.Name == "tenantguard" {
			return &d.Spec.Template.Spec.Containers[i]
		}
	}
	t.Fatal("the Deployment has no tenantguard container")
	return nil
}

// memoryLimitEnv is the variable serve reads its container's memory limit
// from (cmd/tenantguard/memlimit.go).
const memoryLimitEnv = "TENANTGUARD_MEMORY_LIMIT"

// envVar is the container's variable of that name, nil when it has none.
func envVar(c *corev1.Container, name string) *corev1.EnvVar {
	for i, e := range c.Env {
		if e.Name == name {
			return &c.Env[i]
		}
	}
	return nil
}
