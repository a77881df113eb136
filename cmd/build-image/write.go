package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// build assembles the index and writes it under out, replacing what an earlier
// run wrote there, and returns the index digest.
func build(bins []platformBinary, meta metadata, tag name.Tag, out string) (v1.Hash, error) {
	idx, err := imageIndex(bins, meta)
	if err != nil {
		return v1.Hash{}, err
	}
	layoutDir := filepath.Join(out, "oci")
	if err := writeLayout(layoutDir, idx, tag); err != nil {
		return v1.Hash{}, fmt.Errorf("writing the OCI layout: %w", err)
	}
	if err := writeOCIArchive(layoutDir, filepath.Join(out, "tenantguard-oci.tar"), meta.Created); err != nil {
		return v1.Hash{}, fmt.Errorf("writing the OCI archive: %w", err)
	}
	for _, b := range bins {
		if err := writeDockerArchive(out, idx, b.Platform, tag); err != nil {
			return v1.Hash{}, fmt.Errorf("writing the %s tarball: %w", b.Platform, err)
		}
	}
	return idx.Digest()
}

// writeLayout writes an OCI image layout whose index.json holds one entry, the
// image index, named by tag: `crane push DIR REF` pushes that index, and
// containerd and podman name it by its annotations.
func writeLayout(dir string, idx v1.ImageIndex, tag name.Tag) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	path, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	return path.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": tag.String(),
		"io.containerd.image.name":          tag.String(),
	}))
}

// writeDockerArchive writes one platform's image as a docker-archive tarball
// (`docker save` format: manifest.json with the tag), out/tenantguard-OS-ARCH.docker.tar.
func writeDockerArchive(out string, idx v1.ImageIndex, platform v1.Platform, tag name.Tag) error {
	img, err := platformOf(idx, platform)
	if err != nil {
		return err
	}
	file := filepath.Join(out, fmt.Sprintf("tenantguard-%s-%s.docker.tar", platform.OS, platform.Architecture))
	return tarball.WriteToFile(file, tag, img)
}

// platformOf returns the index's image for platform.
func platformOf(idx v1.ImageIndex, platform v1.Platform) (v1.Image, error) {
	manifest, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	for _, desc := range manifest.Manifests {
		if desc.Platform != nil && desc.Platform.Equals(platform) {
			return idx.Image(desc.Digest)
		}
	}
	return nil, fmt.Errorf("no image for %s", platform)
}
