package main

import (
	"bytes"
	"fmt"
)

// renderManifests writes n documents, five per tenant: the Tenant, its
// Application, and a Deployment, Service and ConfigMap as a chart renders them.
// Every tenth Application is pinned to a commit, so both tools have findings.
func renderManifests(n int) []byte {
	var b bytes.Buffer
	written := 0
	for i := 0; written < n; i++ {
		env := "staging"
		if i%2 == 1 {
			env = "production"
		}
		revision := "HEAD"
		if i%10 == 0 {
			revision = fmt.Sprintf("%07x", 0x3f1c9a0+i)
		}
		docs := []string{
			fmt.Sprintf(tenantDoc, i, env),
			fmt.Sprintf(applicationDoc, i, i, env, i, env, i, revision, i),
			fmt.Sprintf(deploymentDoc, i, i),
			fmt.Sprintf(serviceDoc, i, 8000+i%1000),
			fmt.Sprintf(configMapDoc, i, i),
		}
		for _, doc := range docs[:min(len(docs), n-written)] {
			b.WriteString("---\n" + doc)
			written++
		}
	}
	return b.Bytes()
}

const tenantDoc = `apiVersion: tenantguard.io/v1alpha1
kind: Tenant
metadata:
  name: t%d
spec:
  environment: %s
  arch: amd64
`

const applicationDoc = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: t%d
  namespace: argocd
  labels:
    tenantguard.io/tenant: t%d
    tenantguard.io/environment: %s
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec:
  project: tenant-t%d
  source:
    repoURL: https://git.example.com/platform/tenants.git
    path: %s/t%d
    targetRevision: %s
    helm:
      valueFiles: [values.yaml, values-images.yaml]
      valuesObject:
        global:
          nodeSelector: {kubernetes.io/arch: amd64}
  destination:
    server: https://kubernetes.default.svc
    namespace: tenant-t%d
  syncPolicy:
    automated: {prune: true, selfHeal: true}
`

const deploymentDoc = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: platform
  namespace: tenant-t%d
spec:
  replicas: 1
  selector: {matchLabels: {app: platform}}
  template:
    metadata: {labels: {app: platform}}
    spec:
      containers:
        - name: platform
          image: registry.example.com/platform:1.%d.0
`

const serviceDoc = `apiVersion: v1
kind: Service
metadata:
  name: platform
  namespace: tenant-t%d
spec:
  selector: {app: platform}
  ports: [{port: 80, targetPort: %d}]
`

const configMapDoc = `apiVersion: v1
kind: ConfigMap
metadata:
  name: platform
  namespace: tenant-t%d
data:
  index: "%d"
`
