package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEvalJudgesApplicationSetsByWhatTheyGenerate(t *testing.T) {
	samples := filepath.Join("..", "..", "config", "samples")
	tenant := filepath.Join(samples, "tenant-shop.yaml")
	cases := map[string]struct {
		file     string
		wantCode int
		wantOut  string
	}{
		"an element that reads production/ exits 1, naming it": {
			file: "applicationset-production-path.yaml", wantCode: 1,
			wantOut: "[app-environment-path] ApplicationSet argocd/shop-components: spec.generators[0].list.elements[2] → spec.template.spec.source.path",
		},
		"a clean goTemplate ApplicationSet exits 0": {
			file: "applicationset-components.yaml", wantCode: 0, wantOut: "2 documents, 0 violations",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := tenantguard("", "eval", tenant, filepath.Join(samples, tc.file))
			assert.Equal(t, tc.wantCode, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Contains(t, out, tc.wantOut)
		})
	}
}

func TestEvalRefusesAnApplicationSetThatDoesNotRender(t *testing.T) {
	broken := writeFile(t, t.TempDir(), "appset.yaml", `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: s, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators: [{list: {elements: [{a: b}]}}]
  template: {metadata: {name: x}, spec: {source: {path: '{{ .nope }}'}}}
`)
	code, out, errOut := tenantguard("", "eval", broken)
	assert.Equal(t, 2, code, "stdout: %s\nstderr: %s", out, errOut)
	assert.Contains(t, errOut, "spec.template.spec.source.path")
	assert.Contains(t, errOut, "rendering for spec.generators[0].list.elements[0]")
}
