// Command build-image assembles tenantguard's container image without a
// container engine: an OCI image index with one image per platform, each a
// single layer holding the static binary on an empty base, written as an OCI
// layout, as an OCI archive of that layout, and as one docker-archive tarball
// per platform.
//
//	go run ./cmd/build-image -out bin/image -ref ghcr.io/tenantguard/tenantguard:v1 \
//	    -binary linux/amd64=bin/image/linux-amd64/tenantguard \
//	    -binary linux/arm64=bin/image/linux-arm64/tenantguard \
//	    -revision $(git rev-parse HEAD) -version v1 -created $(git log -1 --format=%ct)
//
// The same binaries and flags always give the same index digest: every time
// in the image is -created (SOURCE_DATE_EPOCH by default), never the clock.
// It prints the image reference pinned by digest. `make image` runs it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// binaries collects the repeated -binary os/arch=path flags.
type binaries []platformBinary

func (b *binaries) String() string { return fmt.Sprint(*b) }

func (b *binaries) Set(value string) error {
	platform, path, ok := strings.Cut(value, "=")
	p, err := v1.ParsePlatform(platform)
	if !ok || err != nil || p.OS == "" || p.Architecture == "" || path == "" {
		return fmt.Errorf("want os/arch=path, got %q", value)
	}
	*b = append(*b, platformBinary{Platform: *p, Path: path})
	return nil
}

func run(args []string, stdout, stderr io.Writer) int {
	var (
		bins    binaries
		meta    metadata
		out     string
		ref     string
		created string
	)
	flags := flag.NewFlagSet("build-image", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Var(&bins, "binary", "os/arch=path of a static tenantguard binary; repeat once per platform")
	flags.StringVar(&out, "out", "", "directory to write the OCI layout (out/oci), the OCI archive and the docker-archive tarballs into")
	flags.StringVar(&ref, "ref", "", "image reference with a tag, e.g. ghcr.io/tenantguard/tenantguard:v1; names the layout's entry and the tarballs' image")
	flags.StringVar(&meta.Source, "source", "https://github.com/tenantguard/tenantguard", "org.opencontainers.image.source")
	flags.StringVar(&meta.Revision, "revision", "", "org.opencontainers.image.revision: the commit the binaries are built from")
	flags.StringVar(&meta.Version, "version", "", "org.opencontainers.image.version")
	flags.StringVar(&meta.Licenses, "licenses", "", "org.opencontainers.image.licenses, an SPDX expression")
	flags.StringVar(&created, "created", os.Getenv("SOURCE_DATE_EPOCH"), "unix seconds of every time in the image, the commit time (default $SOURCE_DATE_EPOCH)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	tag, err := checkFlags(bins, out, ref, created, &meta)
	if err != nil {
		fmt.Fprintln(stderr, "build-image:", err)
		return 2
	}
	digest, err := build(bins, meta, tag, out)
	if err != nil {
		fmt.Fprintln(stderr, "build-image:", err)
		return 1
	}
	fmt.Fprintln(stdout, tag.Context().Digest(digest.String()))
	return 0
}

// checkFlags refuses missing or malformed flags, naming the flag, and fills in
// meta.Created.
func checkFlags(bins binaries, out, ref, created string, meta *metadata) (name.Tag, error) {
	switch {
	case len(bins) == 0:
		return name.Tag{}, errors.New("-binary: give at least one os/arch=path")
	case out == "":
		return name.Tag{}, errors.New("-out: missing")
	case meta.Revision == "" || meta.Version == "" || meta.Licenses == "":
		return name.Tag{}, errors.New("-revision, -version and -licenses are all required")
	}
	tag, err := name.NewTag(ref, name.StrictValidation)
	if err != nil {
		return name.Tag{}, fmt.Errorf("-ref: %w", err)
	}
	seconds, err := strconv.ParseInt(created, 10, 64)
	if err != nil || seconds < 0 {
		return name.Tag{}, fmt.Errorf("-created: want unix seconds (the commit time), got %q", created)
	}
	meta.Created = time.Unix(seconds, 0).UTC()
	return tag, nil
}
