package install

import (
	"fmt"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestCertificateServesTheWebhooks decodes the rendered Certificate into
// cert-manager's own type and checks the chain kube-apiserver relies on: the
// webhooks call a Service the certificate names, cainjector is asked for that
// certificate's CA, and the pods mount the Secret it writes.
func TestCertificateServesTheWebhooks(t *testing.T) {
	renderings := map[string]func(*testing.T) []*unstructured.Unstructured{
		"the chart with default values": func(t *testing.T) []*unstructured.Unstructured {
			return helmTemplate(t, "tenantguard", "tenantguard-system")
		},
		"the chart in another namespace and release": func(t *testing.T) []*unstructured.Unstructured {
			return helmTemplate(t, "guard", "platform")
		},
		"kustomize config/default": func(t *testing.T) []*unstructured.Unstructured {
			return kustomizeBuild(t, "default")
		},
	}
	for name, render := range renderings {
		t.Run(name, func(t *testing.T) {
			objs := render(t)
			certs := ofKind(objs, "Certificate")
			require.Len(t, certs, 1)
			var cert cmv1.Certificate
			require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(certs[0].Object, &cert, true))
			issuer := find(t, objs, "Issuer", cert.Spec.IssuerRef.Name)
			assert.Equal(t, cert.Namespace, issuer.GetNamespace(), "the Issuer is in the Certificate's namespace")
			injectFrom := cert.Namespace + "/" + cert.Name
			for _, hook := range webhookClients(t, objs) {
				svc := hook.Service
				require.NotNil(t, svc, "%s calls a Service", hook.Name)
				find(t, objs, "Service", svc.Name)
				assert.Contains(t, cert.Spec.DNSNames, fmt.Sprintf("%s.%s.svc", svc.Name, svc.Namespace), hook.Name)
				assert.Equal(t, injectFrom, hook.InjectCAFrom, "%s asks cainjector for the Certificate's CA", hook.Name)
			}
			assert.Equal(t, cert.Spec.SecretName, mountedSecret(t, objs), "the pods mount the Secret the Certificate writes")
		})
	}
}

// webhookClient is one webhook's client config and its configuration's inject-ca-from annotation.
type webhookClient struct {
	admissionv1.WebhookClientConfig
	Name, InjectCAFrom string
}

func webhookClients(t *testing.T, objs []*unstructured.Unstructured) []webhookClient {
	t.Helper()
	var out []webhookClient
	for _, o := range ofKind(objs, "MutatingWebhookConfiguration") {
		var cfg admissionv1.MutatingWebhookConfiguration
		require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &cfg))
		for _, w := range cfg.Webhooks {
			out = append(out, webhookClient{w.ClientConfig, w.Name, cfg.Annotations["cert-manager.io/inject-ca-from"]})
		}
	}
	for _, o := range ofKind(objs, "ValidatingWebhookConfiguration") {
		var cfg admissionv1.ValidatingWebhookConfiguration
		require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &cfg))
		for _, w := range cfg.Webhooks {
			out = append(out, webhookClient{w.ClientConfig, w.Name, cfg.Annotations["cert-manager.io/inject-ca-from"]})
		}
	}
	require.Len(t, out, 2, "a mutating and a validating webhook")
	return out
}

// mountedSecret is the Secret of the Deployment's tls volume.
func mountedSecret(t *testing.T, objs []*unstructured.Unstructured) string {
	t.Helper()
	deployments := ofKind(objs, "Deployment")
	require.Len(t, deployments, 1)
	var d appsv1.Deployment
	require.NoError(t, runtime.DefaultUnstructuredConverter.FromUnstructured(deployments[0].Object, &d))
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.Name == "tls" && v.Secret != nil {
			return v.Secret.SecretName
		}
	}
	t.Fatal("the Deployment has no tls Secret volume")
	return ""
}
