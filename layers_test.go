package tenantguard_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/tenantguard/tenantguard"

// layers ranks each top-level folder: a package may import packages of its
// own rank or below, never above. A new folder must be given a rank here.
var layers = map[string]int{
	"api": 0, "clusterconfig": 0, "metrics": 0, "policies": 0,
	"engine": 1, "report": 1, "manifests": 1,
	"webhook": 2, "eval": 2, "supervisor": 2, "audit": 2, "changes": 2, "exceptions": 2,
	"cmd": 3,
}

// runners is the rank whose folders never import one another: each is a
// way into the engine, and what two of them share belongs below them.
const runners = 2

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages is `go list -deps` of the module's packages outside test/,
// with each one's own imports, as the build sees them (test files aside).
func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else {
			require.NoError(t, err)
		}
		if folder(p.ImportPath) != "test" {
			pkgs[p.ImportPath] = p
		}
	}
	require.NotEmpty(t, pkgs)
	return pkgs
}

// folder is the top-level folder of one of the module's import paths, "" for
// the module's root and for packages outside the module.
func folder(importPath string) string {
	rest, ok := strings.CutPrefix(importPath, module+"/")
	if !ok {
		return ""
	}
	top, _, _ := strings.Cut(rest, "/")
	return top
}

func TestImportsRunDownward(t *testing.T) {
	for _, p := range listPackages(t) {
		from := folder(p.ImportPath)
		if from == "" {
			continue
		}
		rank, known := layers[from]
		if !assert.True(t, known, "%s: the folder %s/ has no layer in layers_test.go", p.ImportPath, from) {
			continue
		}
		for _, imp := range p.Imports {
			to := folder(imp)
			if to == "" || to == from {
				continue
			}
			assert.LessOrEqual(t, layers[to], rank, "%s imports %s, a layer above it", p.ImportPath, imp)
			if rank == runners && layers[to] == runners {
				assert.Failf(t, "a runner imports another", "%s imports %s: runners share only what lies below them", p.ImportPath, imp)
			}
		}
	}
}

func TestBackgroundRunnersNeverReachTheWebhook(t *testing.T) {
	pkgs := listPackages(t)
	for _, runner := range []string{"supervisor", "audit", "changes", "exceptions"} {
		p, ok := pkgs[module+"/"+runner]
		require.True(t, ok, runner)
		for _, dep := range p.Deps {
			assert.NotEqual(t, "webhook", folder(dep), "%s depends on %s", runner, dep)
		}
	}
}
