package image

import (
	"archive/tar"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEachDockerArchiveHoldsItsPlatformsImage opens the docker-archive
// tarballs (what `docker load` and `podman load` read) by their tag: each holds
// its platform's image from the index, config and layer alike.
func TestEachDockerArchiveHoldsItsPlatformsImage(t *testing.T) {
	dir := imageDir(t)
	idx, entry := builtIndex(t, dir)
	tag, err := name.NewTag(entry.Annotations["org.opencontainers.image.ref.name"])
	require.NoError(t, err)
	for _, p := range platforms {
		t.Run(p.String(), func(t *testing.T) {
			path := filepath.Join(dir, "tenantguard-"+p.OS+"-"+p.Architecture+".docker.tar")
			archived, err := tarball.ImageFromPath(path, &tag)
			require.NoError(t, err, "the archive holds an image tagged %s", tag)
			want := platformImage(t, idx, p)
			assert.Equal(t, configDigest(t, want), configDigest(t, archived))
			assert.Equal(t, layerDigest(t, want), layerDigest(t, archived))
		})
	}
}

// TestTheOCIArchiveIsTheLayout unpacks the OCI archive (what `podman load`
// and Docker 25 or later read, every platform in one file) and finds the same
// index under the same name as in the layout.
func TestTheOCIArchiveIsTheLayout(t *testing.T) {
	dir := imageDir(t)
	_, want := builtIndex(t, dir)
	unpacked := t.TempDir()
	f, err := os.Open(filepath.Join(dir, "tenantguard-oci.tar"))
	require.NoError(t, err)
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		require.False(t, strings.Contains(hdr.Name, ".."), "entry %q stays inside the archive", hdr.Name)
		path := filepath.Join(unpacked, hdr.Name)
		if hdr.Typeflag == tar.TypeDir {
			require.NoError(t, os.MkdirAll(path, 0o755))
			continue
		}
		data, err := io.ReadAll(tr)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, data, 0o644))
	}
	_, got := openLayout(t, unpacked)
	assert.Equal(t, want, got)
}
