package defaults_test

import (
	"testing"

	"github.com/tenantguard/tenantguard/engine/defaults"
)

func TestApplicationOfATenantGetsValuesOnChartSourcesOnly(t *testing.T) {
	const selected = `"helm":{"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}`
	runValuesCases(t, map[string]valuesCase{
		"a multi-source Application gets them on the chart source, not on the ref-only values source": {
			spec: `{"sources":[` +
				`{"repoURL":"https://charts.example.com","chart":"shop","targetRevision":"1.2.3","helm":{"valueFiles":["$values/staging/shop/values.yaml"]}},` +
				`{"repoURL":"https://git.example.com/tenants","ref":"values","targetRevision":"HEAD"}]}`,
			wantSpec: `{"sources":[` +
				`{"repoURL":"https://charts.example.com","chart":"shop","targetRevision":"1.2.3","helm":{"valueFiles":["$values/staging/shop/values.yaml"],` +
				`"valuesObject":{"global":{"nodeSelector":{"kubernetes.io/arch":"arm64"}}}}},` +
				`{"repoURL":"https://git.example.com/tenants","ref":"values","targetRevision":"HEAD"}]}`,
			wantChanges: []defaults.Change{archAt("spec.sources[0]", "arm64")},
		},
		"every chart source of a multi-source Application gets them, in order": {
			spec: `{"sources":[{"repoURL":"g","ref":"values","targetRevision":"HEAD"},` +
				`{"repoURL":"g","path":"staging/a","targetRevision":"HEAD"},{"repoURL":"g","path":"staging/b","targetRevision":"HEAD"}]}`,
			wantSpec: `{"sources":[{"repoURL":"g","ref":"values","targetRevision":"HEAD"},` +
				`{"repoURL":"g","path":"staging/a","targetRevision":"HEAD",` + selected + `},` +
				`{"repoURL":"g","path":"staging/b","targetRevision":"HEAD",` + selected + `}]}`,
			wantChanges: []defaults.Change{archAt("spec.sources[1]", "arm64"), archAt("spec.sources[2]", "arm64")},
		},
		"a source with both a ref and a path renders its path as a chart": {
			spec:        `{"sources":[{"repoURL":"g","ref":"values","path":"staging/shop","targetRevision":"HEAD"}]}`,
			wantSpec:    `{"sources":[{"repoURL":"g","ref":"values","path":"staging/shop","targetRevision":"HEAD",` + selected + `}]}`,
			wantChanges: []defaults.Change{archAt("spec.sources[0]", "arm64")},
		},
		"a kustomize source is left alone": {
			spec:     `{"source":{"repoURL":"g","path":"staging/shop","targetRevision":"HEAD","kustomize":{"namePrefix":"a-"}}}`,
			wantSpec: `{"source":{"repoURL":"g","path":"staging/shop","targetRevision":"HEAD","kustomize":{"namePrefix":"a-"}}}`,
		},
		"an empty kustomize block still makes a kustomize source": {
			spec:     `{"source":{"repoURL":"g","path":"staging/shop","targetRevision":"HEAD","kustomize":{}}}`,
			wantSpec: `{"source":{"repoURL":"g","path":"staging/shop","targetRevision":"HEAD","kustomize":{}}}`,
		},
		"a directory source is left alone": {
			spec:     `{"source":{"repoURL":"g","path":"staging/shop","targetRevision":"HEAD","directory":{"recurse":true}}}`,
			wantSpec: `{"source":{"repoURL":"g","path":"staging/shop","targetRevision":"HEAD","directory":{"recurse":true}}}`,
		},
		"a plugin source is left alone": {
			spec:     `{"source":{"repoURL":"g","path":"staging/shop","targetRevision":"HEAD","plugin":{"name":"cmp"}}}`,
			wantSpec: `{"source":{"repoURL":"g","path":"staging/shop","targetRevision":"HEAD","plugin":{"name":"cmp"}}}`,
		},
		"a source with neither a path nor a chart is left alone": {
			spec:     `{"source":{"repoURL":"g","path":"","targetRevision":"HEAD"}}`,
			wantSpec: `{"source":{"repoURL":"g","path":"","targetRevision":"HEAD"}}`,
		},
	})
}
