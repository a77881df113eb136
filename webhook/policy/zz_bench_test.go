package policy_test

import (
	"context"
	"testing"

	"github.com/tenantguard/tenantguard/policies"
	"github.com/tenantguard/tenantguard/webhook/policy"
	"sigs.k8s.io/yaml"
)

const benchApp = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: t1
  namespace: argocd
  labels:
    tenantguard.io/tenant: t1
    tenantguard.io/environment: production
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec:
  project: tenant-t1
  source:
    repoURL: https://git.example.com/platform/tenants.git
    path: production/t1
    targetRevision: HEAD
    helm:
      valueFiles: [values.yaml, values-images.yaml]
      valuesObject:
        global:
          nodeSelector: {kubernetes.io/arch: amd64}
  destination:
    server: https://kubernetes.default.svc
    namespace: tenant-t1
  syncPolicy:
    automated: {prune: true, selfHeal: true}
`

func BenchmarkZZ(b *testing.B) {
	var obj map[string]any
	if err := yaml.Unmarshal([]byte(benchApp), &obj); err != nil {
		b.Fatal(err)
	}
	e, err := policy.New(context.Background(), policies.FS, nil)
	if err != nil {
		b.Fatal(err)
	}
	in := policy.Input{Operation: "CREATE", Object: obj}
	for b.Loop() {
		if _, err := e.Review(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
