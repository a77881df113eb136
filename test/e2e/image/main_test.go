// Package image checks tenantguard's container image: the one `make image`
// assembles (an OCI layout) against the Dockerfile it must stay in step with.
package image

import (
	"archive/tar"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/stretchr/testify/require"
)

// repoRoot is the repository root, three directories above this package.
var repoRoot = filepath.Join("..", "..", "..")

// platforms are the ones the tenants run on.
var platforms = []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}}

// imageDir returns the directory `make image` wrote, or skips the test.
func imageDir(t *testing.T) string {
	t.Helper()
	return fromEnv(t, "TENANTGUARD_IMAGE_DIR")
}

// fromEnv returns the environment variable `make image-test` sets, or skips the test.
func fromEnv(t *testing.T, name string) string {
	t.Helper()
	value := os.Getenv(name)
	if value == "" {
		t.Skipf("%s is not set; `make image-test` builds the image, installs crane and sets it", name)
	}
	return value
}

// builtIndex opens the OCI layout `make image` wrote in dir.
func builtIndex(t *testing.T, dir string) (v1.ImageIndex, v1.Descriptor) {
	t.Helper()
	return openLayout(t, filepath.Join(dir, "oci"))
}

// openLayout opens the OCI layout at path and returns its one entry, the
// image index, with the entry's descriptor.
func openLayout(t *testing.T, path string) (v1.ImageIndex, v1.Descriptor) {
	t.Helper()
	outer, err := layout.ImageIndexFromPath(path)
	require.NoError(t, err)
	manifest, err := outer.IndexManifest()
	require.NoError(t, err)
	require.Len(t, manifest.Manifests, 1, "the layout holds one entry, the image index, so that `crane push DIR REF` pushes it")
	desc := manifest.Manifests[0]
	require.True(t, desc.MediaType.IsIndex(), "the layout's entry is %s, not an image index", desc.MediaType)
	idx, err := outer.ImageIndex(desc.Digest)
	require.NoError(t, err)
	return idx, desc
}

// platformImage returns the index's image for p.
func platformImage(t *testing.T, idx v1.ImageIndex, p v1.Platform) v1.Image {
	t.Helper()
	manifest, err := idx.IndexManifest()
	require.NoError(t, err)
	for _, desc := range manifest.Manifests {
		if desc.Platform != nil && desc.Platform.Equals(p) {
			img, err := idx.Image(desc.Digest)
			require.NoError(t, err)
			return img
		}
	}
	t.Fatalf("the index has no image for %s", p)
	return nil
}

// layerFile is one entry of an image's layer.
type layerFile struct {
	header *tar.Header
	data   []byte
}

// layerFiles reads the image's one layer.
func layerFiles(t *testing.T, img v1.Image) map[string]layerFile {
	t.Helper()
	layers, err := img.Layers()
	require.NoError(t, err)
	require.Len(t, layers, 1, "one layer, holding the binary")
	rc, err := layers[0].Uncompressed()
	require.NoError(t, err)
	defer rc.Close()
	files := map[string]layerFile{}
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return files
		}
		require.NoError(t, err)
		data, err := io.ReadAll(tr)
		require.NoError(t, err)
		files[hdr.Name] = layerFile{hdr, data}
	}
}

// git runs git in the repository and returns its trimmed output.
func git(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	require.NoError(t, err, "git %v", args)
	return strings.TrimSpace(string(out))
}
