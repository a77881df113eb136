package install

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestBothInstallsGuardPolicyExceptions renders the chart and config/default:
// each installs the PolicyException CRD (the chart keeps it on uninstall, as
// the record of what was waived) and sends every CREATE and UPDATE of one to
// the mutating webhook, which records the approver, and to the validating
// webhook, which judges it.
func TestBothInstallsGuardPolicyExceptions(t *testing.T) {
	for name, render := range map[string]func(*testing.T) []*unstructured.Unstructured{
		"config/default": func(t *testing.T) []*unstructured.Unstructured { return kustomizeBuild(t, "default") },
		"the chart with default values": func(t *testing.T) []*unstructured.Unstructured {
			return helmTemplate(t, "tenantguard", "tenantguard-system")
		},
	} {
		t.Run(name, func(t *testing.T) {
			objs := render(t)
			crd := find(t, objs, "CustomResourceDefinition", "policyexceptions.tenantguard.io")
			if name != "config/default" {
				assert.Equal(t, "keep", crd.GetAnnotations()["helm.sh/resource-policy"])
			}
			for _, kind := range []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"} {
				configs := ofKind(objs, kind)
				require.Len(t, configs, 1)
				assert.ElementsMatch(t, []string{"CREATE", "UPDATE"}, policyExceptionOperations(t, configs[0]), kind)
			}
		})
	}
}

// policyExceptionOperations are the operations on tenantguard.io/v1alpha1
// policyexceptions that a webhook configuration's webhooks are called for;
// the mutating configuration reads as a validating one for its rules.
func policyExceptionOperations(t *testing.T, config *unstructured.Unstructured) []string {
	t.Helper()
	var typed admissionregistrationv1.ValidatingWebhookConfiguration
	require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructured(config.Object, &typed))
	var ops []string
	for _, w := range typed.Webhooks {
		for _, r := range w.Rules {
			if slices.Contains(r.APIGroups, "tenantguard.io") && slices.Contains(r.APIVersions, "v1alpha1") &&
				slices.Contains(r.Resources, "policyexceptions") {
				for _, op := range r.Operations {
					ops = append(ops, string(op))
				}
			}
		}
	}
	return ops
}
