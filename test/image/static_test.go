// Package image checks the binary the Dockerfile's build stage produces: it
// must run on a distroless base, which has no C library and no loader.
// `make docker-build-stage` builds it and sets TENANTGUARD_IMAGE_BINARY.
package image

import (
	"debug/elf"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBinaryIsStatic(t *testing.T) {
	path := os.Getenv("TENANTGUARD_IMAGE_BINARY")
	if path == "" {
		t.Skip("TENANTGUARD_IMAGE_BINARY is not set; `make docker-build-stage` builds the binary and sets it")
	}
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
