package image

import (
	"archive/tar"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/test/support/dockerfile"
)

// TestEachImageRunsWhatTheDockerfileSays checks each platform's config against
// the Dockerfile's final stage: user, entrypoint, command, labels.
func TestEachImageRunsWhatTheDockerfileSays(t *testing.T) {
	idx, _ := builtIndex(t, imageDir(t))
	stage, err := dockerfile.ReadFinalStage(filepath.Join(repoRoot, "Dockerfile"))
	require.NoError(t, err)
	index, err := idx.IndexManifest()
	require.NoError(t, err)
	for _, p := range platforms {
		t.Run(p.String(), func(t *testing.T) {
			img := platformImage(t, idx, p)
			cfg, err := img.ConfigFile()
			require.NoError(t, err)
			assert.Equal(t, p.OS, cfg.OS)
			assert.Equal(t, p.Architecture, cfg.Architecture)
			assert.Equal(t, "65532:65532", cfg.Config.User)
			assert.Equal(t, stage.User, cfg.Config.User)
			assert.Equal(t, stage.Entrypoint, cfg.Config.Entrypoint)
			assert.Equal(t, []string{"serve"}, cfg.Config.Cmd)
			assert.Equal(t, stage.Cmd, cfg.Config.Cmd)
			assert.Equal(t, commitTime(t), cfg.Created.UTC())
			for _, key := range stage.Labels {
				assert.Equal(t, index.Annotations[key], cfg.Config.Labels[key], "label %s", key)
			}
			manifest, err := img.Manifest()
			require.NoError(t, err)
			assert.Equal(t, index.Annotations, manifest.Annotations, "each manifest carries the index's annotations")
		})
	}
}

// TestTheLayerHoldsTheBinaryAndTheNonrootAccount checks the one layer's files:
// the entrypoint, executable, and the passwd and group entries of user 65532,
// all owned by root and dated at the commit, so that they cannot vary.
func TestTheLayerHoldsTheBinaryAndTheNonrootAccount(t *testing.T) {
	idx, _ := builtIndex(t, imageDir(t))
	stage, err := dockerfile.ReadFinalStage(filepath.Join(repoRoot, "Dockerfile"))
	require.NoError(t, err)
	require.NotEmpty(t, stage.Entrypoint)
	binary := strings.TrimPrefix(stage.Entrypoint[0], "/")
	for _, p := range platforms {
		t.Run(p.String(), func(t *testing.T) {
			files := layerFiles(t, platformImage(t, idx, p))
			var names []string
			for name, f := range files {
				names = append(names, name)
				assert.Zero(t, f.header.Uid, "%s is owned by root", name)
				assert.Zero(t, f.header.Gid, "%s is owned by root's group", name)
				assert.Equal(t, commitTime(t), f.header.ModTime.UTC(), "%s is dated at the commit", name)
			}
			sort.Strings(names)
			assert.Equal(t, []string{"etc/", "etc/group", "etc/passwd", binary}, names)
			assert.Equal(t, byte(tar.TypeReg), files[binary].header.Typeflag)
			assert.Equal(t, int64(0o755), files[binary].header.Mode, "the entrypoint is executable")
			assert.Contains(t, string(files["etc/passwd"].data), ":x:65532:65532:", "passwd names the Dockerfile's user")
			assert.Contains(t, string(files["etc/group"].data), ":x:65532:", "group names the Dockerfile's group")
		})
	}
}
