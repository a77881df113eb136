package decode

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/clusterconfig"
)

// unrenderable is an ApplicationSet whose template does not render.
const unrenderable = `{"apiVersion":"argoproj.io/v1alpha1","kind":"ApplicationSet","metadata":{"name":"s","namespace":"argocd"},
 "spec":{"goTemplate":true,"goTemplateOptions":["missingkey=error"],"generators":[{"list":{"elements":[{"a":"b"}]}}],
  "template":{"metadata":{"name":"x"},"spec":{"source":{"path":"{{ .nope }}"}}}}%s}`

func appsetRequest(op admissionv1.Operation, object, old string) admission.Request {
	req := admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		Kind:      metav1.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "ApplicationSet"},
		Namespace: "argocd", Name: "s", Operation: op, Object: runtime.RawExtension{Raw: []byte(object)},
	}}
	if old != "" {
		req.OldObject = runtime.RawExtension{Raw: []byte(old)}
	}
	return req
}

func TestAnApplicationSetThatDoesNotRenderIsMalformedNamingTheElement(t *testing.T) {
	_, err := Request(appsetRequest(admissionv1.Create, fmt.Sprintf(unrenderable, ""), ""), clusterconfig.DefaultLimits())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.template.spec.source.path")
	assert.Contains(t, err.Error(), "rendering for spec.generators[0].list.elements[0]")
}

func TestAnApplicationSetsStatusWriteIsNotRendered(t *testing.T) {
	old := fmt.Sprintf(unrenderable, "")
	now := fmt.Sprintf(unrenderable, `,"status":{"conditions":[]}`)
	review, err := Request(appsetRequest(admissionv1.Update, now, old), clusterconfig.DefaultLimits())
	require.NoError(t, err, "Argo CD's status writes never wait on the rendering")
	assert.Empty(t, review.Generated)
}

func TestAnApplicationSetWithoutATemplateIsMalformed(t *testing.T) {
	_, err := Request(appsetRequest(admissionv1.Create,
		`{"apiVersion":"argoproj.io/v1alpha1","kind":"ApplicationSet","metadata":{"name":"s","namespace":"argocd"},"spec":{"goTemplate":"yes","templatePatch":1,"generators":{}}}`, ""),
		clusterconfig.DefaultLimits())
	require.Error(t, err)
	for _, field := range []string{"spec.template", "spec.goTemplate", "spec.templatePatch", "spec.generators"} {
		assert.Contains(t, err.Error(), field)
	}
}
