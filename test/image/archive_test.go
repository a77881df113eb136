package image

import (
	"path/filepath"
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
