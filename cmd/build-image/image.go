package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// What the image runs, as the Dockerfile says it (test/e2e/image holds the two together).
const (
	binaryPath = "/tenantguard"
	user       = "65532:65532"
)

var (
	entrypoint = []string{binaryPath}
	command    = []string{"serve"}
)

// metadata is what the image says about itself, as OCI annotations on the
// index and each manifest and as labels in each config.
type metadata struct {
	Source, Revision, Version, Licenses string
	// Created is the commit time; every time in the image is this one.
	Created time.Time
}

// annotations returns the pre-defined OCI annotation keys for m.
func (m metadata) annotations() map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":    "tenantguard",
		"org.opencontainers.image.source":   m.Source,
		"org.opencontainers.image.revision": m.Revision,
		"org.opencontainers.image.version":  m.Version,
		"org.opencontainers.image.licenses": m.Licenses,
		"org.opencontainers.image.created":  m.Created.Format(time.RFC3339),
	}
}

// platformBinary is one platform's tenantguard binary.
type platformBinary struct {
	Platform v1.Platform
	Path     string
}

// imageIndex assembles one image per binary into an OCI image index.
func imageIndex(bins []platformBinary, meta metadata) (v1.ImageIndex, error) {
	var adds []mutate.IndexAddendum
	for _, b := range bins {
		img, err := platformImage(b, meta)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.Platform, err)
		}
		platform := b.Platform
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &platform}})
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	idx = mutate.AppendManifests(idx, adds...)
	annotated, ok := mutate.Annotations(idx, meta.annotations()).(v1.ImageIndex)
	if !ok {
		return nil, errors.New("annotating the index did not give an index")
	}
	return annotated, nil
}

// platformImage is one platform's image: the binary's layer on an empty base,
// run as user 65532 with the entrypoint and command of the Dockerfile.
func platformImage(b platformBinary, meta metadata) (v1.Image, error) {
	binary, err := os.ReadFile(b.Path)
	if err != nil {
		return nil, err
	}
	if err := checkBinary(binary, b.Platform); err != nil {
		return nil, fmt.Errorf("%s: %w", b.Path, err)
	}
	layer, err := rootLayer(binary, meta.Created)
	if err != nil {
		return nil, err
	}
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{Layer: layer, History: v1.History{
		Created:   v1.Time{Time: meta.Created},
		CreatedBy: "build-image: " + binaryPath + " and the account files of user " + user,
	}})
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture, cfg.Variant = b.Platform.OS, b.Platform.Architecture, b.Platform.Variant
	cfg.Created = v1.Time{Time: meta.Created}
	cfg.Config = v1.Config{User: user, Entrypoint: entrypoint, Cmd: command, Labels: meta.annotations()}
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		return nil, err
	}
	annotated, ok := mutate.Annotations(img, meta.annotations()).(v1.Image)
	if !ok {
		return nil, errors.New("annotating the image did not give an image")
	}
	return annotated, nil
}
