package differential

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/stretchr/testify/require"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/yaml"

	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/webhook/handler"
)

// edgeApp is an Application whose only doubtful field is the revision of its
// source, written as YAML text so that YAML's own reading of it is tested.
func edgeApp(name, source string) string {
	return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: ` + name + `, namespace: argocd}
spec:
  project: team-x
  destination: {server: https://kubernetes.default.svc, namespace: team-x}
  syncPolicy: {automated: {selfHeal: true}}
  source: ` + source + "\n"
}

// edgeCases are manifests as people write them, whose revision YAML reads as
// something other than a string, which the generated corpus never produces.
// Each is judged on its own, so that a runner refusing one does not hide the
// others.
var edgeCases = []struct {
	name, file, text string
}{
	{"a short commit SHA of digits, unquoted (YAML reads a number)", "app.yaml",
		edgeApp("digits", `{repoURL: https://git.example.com/platform/tenants.git, path: staging/shop, targetRevision: 1234567}`)},
	{"a full commit SHA of digits, unquoted (a number past float64's precision)", "app.yaml",
		edgeApp("long-digits", `{repoURL: https://git.example.com/platform/tenants.git, path: staging/shop, targetRevision: 1234567890123456789012345678901234567890}`)},
	{"a chart version 1.10, unquoted (YAML reads 1.1)", "app.yaml",
		edgeApp("float", `{repoURL: https://charts.example.com/stable, chart: nginx, targetRevision: 1.10}`)},
	{"a revision of true", "app.yaml",
		edgeApp("boolean", `{repoURL: https://git.example.com/platform/tenants.git, path: staging/shop, targetRevision: true}`)},
	{"a jsonnet -y stream: JSON documents between --- lines, then ...", "rendered.yaml", jsonnetStream(
		edgeApp("json-pinned", `{repoURL: https://git.example.com/platform/tenants.git, path: staging/shop, targetRevision: 3f1c9a0}`),
		edgeApp("json-tracking", `{repoURL: https://git.example.com/platform/tenants.git, path: staging/shop, targetRevision: HEAD}`))},
}

// jsonnetStream writes YAML manifests as `jsonnet -y` writes its output.
func jsonnetStream(manifests ...string) string {
	var b strings.Builder
	for _, m := range manifests {
		raw, err := yaml.YAMLToJSON([]byte(m))
		if err != nil {
			panic(err)
		}
		var indented bytes.Buffer
		if err := json.Indent(&indented, raw, "", "   "); err != nil {
			panic(err)
		}
		b.WriteString("---\n" + indented.String() + "\n")
	}
	return b.String() + "...\n"
}

// edgeRunners are the runners that read manifests as people write them; the
// audit reads the API server's JSON, never YAML text.
var edgeRunners = []string{"handler", "eval", "conftest"}

// TestRunnersAgreeOnEdgeCases judges each edge case with the edgeRunners,
// under the default cluster config, and compares what they answer: the rule
// ids, or that the object was refused as malformed (the webhook's 400, eval's
// error in the document's place; conftest refuses nothing).
func TestRunnersAgreeOnEdgeCases(t *testing.T) {
	conftest, rootDir := conftestAndRoot(t)
	tmp := t.TempDir()
	bin, err := tenantguardBinary()
	require.NoError(t, err)
	configFile, dataFile, err := writeConfigs(tmp, map[string]any{})
	require.NoError(t, err)
	snapshot, err := live.Loader{ConfigFile: configFile}.Load(t.Context())
	require.NoError(t, err)
	v := &handler.Validator{State: live.NewCurrent(snapshot), Tenants: tenantlookup.NewIndex(nil, snapshot.Config)}

	for i, tc := range edgeCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(tmp, fmt.Sprintf("case-%d", i))
			require.NoError(t, os.Mkdir(dir, 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.text), 0o644))

			got := map[string]verdicts{}
			got["handler"], err = handlerOnText(t.Context(), v, tc.text)
			require.NoError(t, err)
			var evalErr string
			got["eval"], evalErr, err = evalOnDir(bin, configFile, dir)
			require.NoError(t, err)
			got["conftest"], err = conftestVerdicts(conftest, rootDir, dataFile, dir)
			require.NoError(t, err)

			keys := map[string]bool{}
			for _, r := range edgeRunners {
				for k := range got[r] {
					keys[k] = true
				}
			}
			var diffs []string
			for _, k := range slices.Sorted(maps.Keys(keys)) {
				if sig := signature(k, got, edgeRunners); sig != "" {
					line := k + ":"
					for _, r := range edgeRunners {
						line += fmt.Sprintf(" %s=%s", r, idList(got[r][k]))
					}
					diffs = append(diffs, line+"\n    "+sig)
				}
			}
			if len(diffs) > 0 {
				if evalErr != "" {
					diffs = append(diffs, "eval said: "+evalErr)
				}
				t.Errorf("the runners disagree on %s:\n%s\n%s", tc.file, tc.text, strings.Join(diffs, "\n"))
			}
		})
	}
}

// handlerOnText sends each manifest of a YAML or JSON text to the validating
// handler, as kubectl would send it after converting it to JSON; a JSON list
// is sent one manifest at a time.
func handlerOnText(ctx context.Context, v *handler.Validator, text string) (verdicts, error) {
	ctx = log.IntoContext(ctx, logr.Discard())
	reader := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(text)))
	out := verdicts{}
	for {
		chunk, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		raw, err := yaml.YAMLToJSON(chunk)
		if err != nil {
			return nil, err
		}
		// Numbers are kept as written, as kube-apiserver forwards them.
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var objects []map[string]any
		if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '[' {
			err = dec.Decode(&objects)
		} else {
			var obj map[string]any
			err = dec.Decode(&obj)
			objects = append(objects, obj)
		}
		if err != nil {
			return nil, err
		}
		for _, obj := range objects {
			if obj == nil {
				continue
			}
			ids, err := handle(ctx, v, obj)
			if err != nil {
				return nil, err
			}
			if ids != nil {
				out[key(obj)] = ids
			}
		}
	}
}

// evalOnDir runs eval on a directory. A document eval did not judge (exit
// code 2, with the document in the report) is refused, and eval's message
// is returned.
func evalOnDir(bin, configFile, dir string) (verdicts, string, error) {
	report, err := runEval(bin, configFile, dir)
	if err != nil {
		return nil, "", err
	}
	out := verdicts{}
	var messages []string
	for _, r := range report.Results {
		k := key(map[string]any{"kind": r.Kind, "metadata": map[string]any{"namespace": r.Namespace, "name": r.Name}})
		out[k] = map[string]bool{}
		if r.Error != nil {
			out.add(k, refused)
			messages = append(messages, fmt.Sprintf("%s#%d: %s", r.File, r.Document, r.Error.Message))
		}
		for _, f := range r.Findings {
			if f.Enforcement == "deny" || f.Enforcement == "warn" {
				out.add(k, f.Rule)
			}
		}
	}
	return out, strings.Join(messages, "; "), nil
}
