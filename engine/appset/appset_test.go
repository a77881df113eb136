package appset

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

var opts = Options{MaxApplications: 50, MaxRenderedBytes: 4096}

// read decodes an ApplicationSet written in YAML.
func read(t *testing.T, doc string) map[string]any {
	t.Helper()
	var obj map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(doc), &obj))
	return obj
}

const listSet = `
metadata: {name: shop, namespace: argocd, uid: u-1}
spec:
  generators:
    - list:
        elements:
          - {component: api, values: {env: staging}}
          - {component: web, values: {env: production}}
  template:
    metadata: {name: 'shop-{{ component }}', labels: {team: '{{values.env}}'}}
    spec:
      project: tenant-shop
      source: {path: '{{values.env}}/{{component}}', targetRevision: '{{missing}}'}
`

func TestDefaultSyntaxSubstitutesStringParameters(t *testing.T) {
	got, err := Generate(read(t, listSet), opts)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "spec.generators[0].list.elements[1]", got[1].At)
	app := got[1].Application
	meta := app["metadata"].(map[string]any)
	assert.Equal(t, "shop-web", meta["name"])
	assert.Equal(t, "argocd", meta["namespace"], "the ApplicationSet's namespace")
	assert.Equal(t, map[string]any{"team": "production"}, meta["labels"])
	assert.Equal(t, []any{ResourcesFinalizer}, meta["finalizers"])
	owner := meta["ownerReferences"].([]any)[0].(map[string]any)
	assert.Equal(t, "ApplicationSet", owner["kind"])
	assert.Equal(t, "u-1", owner["uid"])
	src := app["spec"].(map[string]any)["source"].(map[string]any)
	assert.Equal(t, "production/web", src["path"])
	assert.Equal(t, "{{missing}}", src["targetRevision"], "an unknown parameter is left as written")
}

func TestSubstituteKeepsArgoCDsReading(t *testing.T) {
	params := map[string]any{"a": "A", "b": "B"}
	for in, want := range map[string]string{
		"{{a}}-{{ b }}":       "A-B",
		"{{}}{{a}}":           "{{}}A",
		"{{ c }}/{{a}}":       "{{ c }}/A",
		"no template":         "no template",
		"{{{a}}}":             "{{{a}}}",
		"x{{a}}y{{b}}z{{a}}w": "xAyBzAw",
	} {
		got, ok := substitute(in, params)
		assert.True(t, ok)
		assert.Equal(t, want, got, in)
	}
	_, ok := substitute("{{a}} {{b", params)
	assert.False(t, ok, "a {{ with no }} is an invalid template")
}

func TestDefaultSyntaxRefusesValuesThatAreNoStrings(t *testing.T) {
	_, err := Generate(read(t, `
metadata: {name: s, namespace: argocd}
spec:
  generators: [{list: {elements: [{replicas: 3}]}}]
  template: {metadata: {name: x}, spec: {}}
`), opts)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.generators[0].list.elements[0][replicas]")
}

const goSet = `
metadata: {name: shop, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
    - list:
        elements:
          - {component: Api, env: staging, replicas: 2}
  templatePatch: |
    spec:
      project: patched
      source:
        helm: {parameters: [{name: replicas, value: '{{ add .replicas 1 }}'}]}
  template:
    metadata: {name: '{{ .component | lower }}-{{ .env | upper | trunc 1 }}'}
    spec:
      project: tenant-shop
      source: {path: '{{ .env }}/{{ .component | lower }}'}
`

func TestGoTemplateRendersWithFunctionsAndPatch(t *testing.T) {
	got, err := Generate(read(t, goSet), opts)
	require.NoError(t, err)
	require.Len(t, got, 1)
	app := got[0].Application
	assert.Equal(t, "api-S", app["metadata"].(map[string]any)["name"])
	spec := app["spec"].(map[string]any)
	assert.Equal(t, "tenant-shop", spec["project"], "templatePatch never changes the project")
	src := spec["source"].(map[string]any)
	assert.Equal(t, "staging/api", src["path"])
	assert.Equal(t, []any{map[string]any{"name": "replicas", "value": "3"}}, src["helm"].(map[string]any)["parameters"])
}

func TestGoTemplateErrorsNameTheElementAndField(t *testing.T) {
	cases := map[string]struct{ template, want string }{
		"a missing key with missingkey=error": {"'{{ .nope }}'", "map has no entry for key"},
		"a function Argo CD removes":          {`'{{ env "HOME" }}'`, `function "env" not defined`},
		"a key generator never run":           {"'{{ genPrivateKey \"rsa\" }}'", `function "genPrivateKey" not defined`},
		"output past the byte limit":          {"'{{ repeat 10000 \"x\" }}'", "limits.maxRenderedBytes"},
		"a list past the byte limit":          {"'{{ range until 100000 }}{{ end }}'", "limits.maxRenderedBytes"},
		"loops that nest":                     {"'{{ range until 3 }}{{ range until 3 }}x{{ end }}{{ end }}'", "nests a range inside a range"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Generate(read(t, `
metadata: {name: s, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators: [{list: {elements: [{a: b}]}}]
  template: {metadata: {name: x}, spec: {source: {path: `+c.template+`}}}
`), opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "spec.template.spec.source.path")
			assert.Contains(t, err.Error(), "spec.generators[0].list.elements[0]")
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestMatrixAndMergeCombineListParameters(t *testing.T) {
	got, err := Generate(read(t, `
metadata: {name: s, namespace: argocd}
spec:
  generators:
    - matrix:
        generators:
          - list: {elements: [{env: staging}, {env: production}]}
          - list: {elements: [{app: 'a-{{env}}'}]}
    - merge:
        mergeKeys: [app]
        generators:
          - list: {elements: [{app: x, env: staging}, {app: ya, env: staging}]}
          - list: {elements: [{app: ya, env: production}]}
  template: {metadata: {name: '{{app}}'}, spec: {source: {path: '{{env}}/{{app}}'}}}
`), opts)
	require.NoError(t, err)
	var paths, at []string
	for _, g := range got {
		paths = append(paths, g.Application["spec"].(map[string]any)["source"].(map[string]any)["path"].(string))
		at = append(at, g.At)
	}
	assert.Equal(t, []string{"staging/a-staging", "production/a-production", "staging/x", "production/ya"}, paths)
	assert.Equal(t, "spec.generators[0].matrix.generators[0].list.elements[1] × spec.generators[0].matrix.generators[1].list.elements[0]", at[1])
	assert.Equal(t, "spec.generators[1].merge.generators[0].list.elements[1] + spec.generators[1].merge.generators[1].list.elements[0]", at[3])
}

func TestOpaqueGeneratorsGiveTheirTemplate(t *testing.T) {
	got, err := Generate(read(t, `
metadata: {name: s, namespace: argocd}
spec:
  syncPolicy: {preserveResourcesOnDeletion: true}
  generators:
    - git: {repoURL: r, directories: [{path: 'staging/*'}]}
    - matrix: {generators: [{clusters: {}}, {list: {elements: [{a: b}]}}]}
  template: {metadata: {name: '{{path.basename}}'}, spec: {source: {path: '{{path}}'}}}
`), opts)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.True(t, got[0].Template)
	assert.Equal(t, "spec.generators[0].git", got[0].At)
	assert.Equal(t, "spec.generators[1].matrix.generators[0].clusters", got[1].At)
	assert.Equal(t, "{{path}}", got[0].Application["spec"].(map[string]any)["source"].(map[string]any)["path"])
	assert.NotContains(t, got[0].Application["metadata"], "finalizers", "resources are preserved: no finalizer")
}

func TestSelectorsFilterParameters(t *testing.T) {
	got, err := Generate(read(t, `
metadata: {name: s, namespace: argocd}
spec:
  generators:
    - list: {elements: [{env: staging}, {env: production}]}
      selector: {matchLabels: {env: staging}}
  template: {metadata: {name: '{{env}}'}, spec: {}}
`), opts)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "staging", got[0].Application["metadata"].(map[string]any)["name"])
}

func TestTooManyApplicationsNameTheLimit(t *testing.T) {
	_, err := Generate(read(t, listSet), Options{MaxApplications: 1, MaxRenderedBytes: 4096})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "limits.maxGeneratedApplications")
	_, err = Generate(read(t, listSet), Options{MaxApplications: 5, MaxRenderedBytes: 10})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "limits.maxRenderedBytes")
}
