package image

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEachBinaryIsStaticAndBuiltByTheDockerfilesLine checks each platform's
// binary, read from its layer: static (the base has no C library and no
// loader), for that platform, built with cgo off and -trimpath by the Go the
// Dockerfile's build stage names.
func TestEachBinaryIsStaticAndBuiltByTheDockerfilesLine(t *testing.T) {
	idx, _ := builtIndex(t, imageDir(t))
	goVersion := dockerfileGo(t)
	for _, p := range platforms {
		t.Run(p.String(), func(t *testing.T) {
			path := extractBinary(t, platformImage(t, idx, p))
			assertStatic(t, path)
			info, err := buildinfo.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, goVersion, info.GoVersion)
			settings := map[string]string{}
			for _, s := range info.Settings {
				settings[s.Key] = s.Value
			}
			assert.Equal(t, p.OS, settings["GOOS"])
			assert.Equal(t, p.Architecture, settings["GOARCH"])
			assert.Equal(t, "0", settings["CGO_ENABLED"])
			assert.Equal(t, "true", settings["-trimpath"])
		})
	}
}

// TestTheBinaryPrintsTheCommit runs this machine's platform's binary from the
// image: `tenantguard version` names the image's version and commit.
func TestTheBinaryPrintsTheCommit(t *testing.T) {
	idx, _ := builtIndex(t, imageDir(t))
	host := v1.Platform{OS: runtime.GOOS, Architecture: runtime.GOARCH}
	if !host.Satisfies(platforms[0]) && !host.Satisfies(platforms[1]) {
		t.Skipf("the image has no binary for this machine's %s", host)
	}
	manifest, err := idx.IndexManifest()
	require.NoError(t, err)
	path := extractBinary(t, platformImage(t, idx, host))
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path, "version")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	want := "tenantguard " + manifest.Annotations["org.opencontainers.image.version"] + "\n" +
		"commit " + git(t, "rev-parse", "HEAD") + "\n"
	assert.Equal(t, want, stdout.String())
}

// extractBinary writes the image's entrypoint binary to a temporary file.
func extractBinary(t *testing.T, img v1.Image) string {
	t.Helper()
	f, ok := layerFiles(t, img)["tenantguard"]
	require.True(t, ok, "the layer holds tenantguard")
	path := filepath.Join(t.TempDir(), "tenantguard")
	require.NoError(t, os.WriteFile(path, f.data, 0o755))
	return path
}

// assertStatic fails when the ELF binary at path asks for a loader or a
// shared library.
func assertStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "the binary asks for a dynamic loader")
		assert.NotEqual(t, elf.PT_DYNAMIC, p.Type, "the binary has a dynamic section")
	}
	libs, err := f.ImportedLibraries()
	require.NoError(t, err)
	assert.Empty(t, libs, "the binary links shared libraries")
}

// dockerfileGo is the Go release of the Dockerfile's build stage (FROM golang:X).
func dockerfileGo(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^FROM .*golang:(\S+) AS build$`).FindSubmatch(fileBytes(t, filepath.Join(repoRoot, "Dockerfile")))
	require.NotNil(t, m, "the Dockerfile's build stage is FROM golang:<version> AS build")
	return "go" + string(m[1])
}
