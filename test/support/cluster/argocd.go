package cluster

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
)

// ArgoCDModule is the Argo CD release whose CRDs the tests install. Its Go
// types are not imported; only its manifests are read.
const ArgoCDModule = "github.com/argoproj/argo-cd/v3@v3.5.7"

// ArgoCDCRDs returns the paths of the real Application, AppProject and ApplicationSet CRDs,
// fetching the Argo CD module into the Go module cache when it is not there yet.
func ArgoCDCRDs() ([]string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", ArgoCDModule).Output()
	if err != nil {
		return nil, fmt.Errorf("go mod download %s: %w", ArgoCDModule, err)
	}
	var module struct{ Dir string }
	if err := json.Unmarshal(out, &module); err != nil || module.Dir == "" {
		return nil, fmt.Errorf("go mod download %s: no module directory in %q", ArgoCDModule, out)
	}
	crds := filepath.Join(module.Dir, "manifests", "crds")
	return []string{
		filepath.Join(crds, "application-crd.yaml"),
		filepath.Join(crds, "appproject-crd.yaml"),
		filepath.Join(crds, "applicationset-crd.yaml"),
	}, nil
}
