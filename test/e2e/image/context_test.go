package image

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/tenantguard/tenantguard/"

// TestTheBuildContextHoldsEveryPackageOfTheBinary checks that the Dockerfile
// copies, and .dockerignore lets through, every top-level directory holding a
// package tenantguard is built from: a new one (as supervisor/ was) otherwise
// builds here and fails only in the image build.
func TestTheBuildContextHoldsEveryPackageOfTheBinary(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "./cmd/tenantguard")
	cmd.Dir = root
	out, err := cmd.Output()
	require.NoError(t, err)
	dirs := map[string]bool{}
	for _, pkg := range strings.Fields(string(out)) {
		if rest, ok := strings.CutPrefix(pkg, module); ok {
			top, _, _ := strings.Cut(rest, "/")
			dirs[top] = true
		}
	}
	dockerfile, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	require.NoError(t, err)
	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	require.NoError(t, err)
	var names []string
	for dir := range dirs {
		names = append(names, dir)
	}
	sort.Strings(names)
	require.NotEmpty(t, names)
	for _, dir := range names {
		assert.Contains(t, string(dockerfile), "COPY "+dir+"/ "+dir+"/", "the Dockerfile copies %s/", dir)
		assert.Contains(t, strings.Split(string(ignore), "\n"), "!"+dir+"/", ".dockerignore lets %s/ through", dir)
	}
}
