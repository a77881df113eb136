package image

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// TestTheIndexHoldsOneImagePerPlatform checks the multi-arch index: exactly
// the tenants' platforms, each an OCI image manifest.
func TestTheIndexHoldsOneImagePerPlatform(t *testing.T) {
	idx, _ := builtIndex(t, imageDir(t))
	manifest, err := idx.IndexManifest()
	require.NoError(t, err)
	assert.Equal(t, types.OCIImageIndex, manifest.MediaType)
	var got []v1.Platform
	for _, desc := range manifest.Manifests {
		assert.Equal(t, types.OCIManifestSchema1, desc.MediaType)
		require.NotNil(t, desc.Platform, "every entry names its platform")
		got = append(got, *desc.Platform)
	}
	assert.ElementsMatch(t, platforms, got)
}

// TestTheIndexSaysWhatItIsBuiltFrom checks the OCI annotations against the
// checkout: the commit it is at, and that commit's time as the creation time.
func TestTheIndexSaysWhatItIsBuiltFrom(t *testing.T) {
	dir := imageDir(t)
	idx, entry := builtIndex(t, dir)
	manifest, err := idx.IndexManifest()
	require.NoError(t, err)
	ann := manifest.Annotations
	assert.Equal(t, git(t, "rev-parse", "HEAD"), ann["org.opencontainers.image.revision"])
	assert.Equal(t, commitTime(t).Format(time.RFC3339), ann["org.opencontainers.image.created"])
	assert.Equal(t, "https://github.com/tenantguard/tenantguard", ann["org.opencontainers.image.source"])
	assert.Equal(t, "Apache-2.0", ann["org.opencontainers.image.licenses"], "the SPDX identifier of LICENSE")
	version := ann["org.opencontainers.image.version"]
	require.NotEmpty(t, version)

	ref := entry.Annotations["org.opencontainers.image.ref.name"]
	assert.Equal(t, ref, entry.Annotations["io.containerd.image.name"], "docker and containerd name the loaded image by this one")
	repository := chartRepository(t)
	assert.Equal(t, repository+":"+strings.TrimPrefix(version, "v"), ref,
		"the layout's entry is the chart's repository, tagged with the version as the chart's appVersion writes it (no leading v)")

	digest, err := idx.Digest()
	require.NoError(t, err)
	printed, err := os.ReadFile(filepath.Join(dir, "reference"))
	require.NoError(t, err)
	assert.Equal(t, repository+"@"+digest.String()+"\n", string(printed), "make image prints the reference pinned by digest")
}

// TestARebuildGivesTheSameDigest compares two builds of the same commit, each
// from its own `go build`s: the index digest, and every tarball byte for byte.
func TestARebuildGivesTheSameDigest(t *testing.T) {
	dir := imageDir(t)
	again := fromEnv(t, "TENANTGUARD_IMAGE_REBUILD_DIR")
	first, _ := builtIndex(t, dir)
	second, _ := builtIndex(t, again)
	for _, p := range platforms {
		a, b := platformImage(t, first, p), platformImage(t, second, p)
		assert.Equal(t, layerDigest(t, a), layerDigest(t, b), "%s: the layer (the binary and its files' dates) differs between builds", p)
		assert.Equal(t, configDigest(t, a), configDigest(t, b), "%s: the config differs between builds", p)
		name := "tenantguard-" + p.OS + "-" + p.Architecture + ".docker.tar"
		assert.Equal(t, fileDigest(t, filepath.Join(dir, name)), fileDigest(t, filepath.Join(again, name)), "%s differs between builds", name)
	}
	assert.Equal(t, fileDigest(t, filepath.Join(dir, "tenantguard-oci.tar")), fileDigest(t, filepath.Join(again, "tenantguard-oci.tar")), "the OCI archive differs between builds")
	want, err := first.Digest()
	require.NoError(t, err)
	got, err := second.Digest()
	require.NoError(t, err)
	assert.Equal(t, want, got, "the index digest differs between two builds of one commit")
}

func commitTime(t *testing.T) time.Time {
	t.Helper()
	seconds, err := strconv.ParseInt(git(t, "log", "-1", "--format=%ct"), 10, 64)
	require.NoError(t, err)
	return time.Unix(seconds, 0).UTC()
}

func layerDigest(t *testing.T, img v1.Image) v1.Hash {
	t.Helper()
	layers, err := img.Layers()
	require.NoError(t, err)
	require.Len(t, layers, 1)
	digest, err := layers[0].Digest()
	require.NoError(t, err)
	return digest
}

func configDigest(t *testing.T, img v1.Image) v1.Hash {
	t.Helper()
	digest, err := img.ConfigName()
	require.NoError(t, err)
	return digest
}

// fileDigest returns the sha256 of a file, short to print when two differ.
func fileDigest(t *testing.T, path string) string {
	t.Helper()
	return fmt.Sprintf("%x", sha256.Sum256(fileBytes(t, path)))
}

// chartRepository is the chart's default image.repository.
func chartRepository(t *testing.T) string {
	t.Helper()
	var values struct {
		Image struct{ Repository string } `json:"image"`
	}
	require.NoError(t, yaml.Unmarshal(fileBytes(t, filepath.Join(repoRoot, "charts", "tenantguard", "values.yaml")), &values))
	require.NotEmpty(t, values.Image.Repository)
	return values.Image.Repository
}

func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// TestTheLicenceIsSaidAlikeEverywhere checks that LICENSE is the Apache
// License 2.0 and that the chart's metadata names it as the image does.
func TestTheLicenceIsSaidAlikeEverywhere(t *testing.T) {
	licence := string(fileBytes(t, filepath.Join(repoRoot, "LICENSE")))
	assert.Contains(t, licence, "Apache License\n                           Version 2.0, January 2004")
	var chart struct {
		Annotations map[string]string `json:"annotations"`
	}
	require.NoError(t, yaml.Unmarshal(fileBytes(t, filepath.Join(repoRoot, "charts", "tenantguard", "Chart.yaml")), &chart))
	assert.Equal(t, "Apache-2.0", chart.Annotations["artifacthub.io/license"])
}
