package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunRefusesBadFlagsNamingTheFlag(t *testing.T) {
	good := flagsWith(t, "linux/amd64=tg")
	with := func(flag, value string) []string {
		args := append([]string(nil), good...)
		for i := 0; i < len(args); i += 2 {
			if args[i] == flag {
				args[i+1] = value
			}
		}
		return args
	}
	tests := map[string]struct {
		args []string
		want string
	}{
		"a binary without its platform":      {with("-binary", "tg"), "-binary"},
		"a binary for an unnamed arch":       {with("-binary", "linux=tg"), "-binary"},
		"a reference without a tag":          {with("-ref", "example.com/tg"), "-ref"},
		"a creation time that is not a time": {with("-created", "yesterday"), "-created"},
		"a negative creation time":           {with("-created", "-5"), "-created"},
		"no output directory":                {with("-out", ""), "-out"},
		"no revision":                        {with("-revision", ""), "-revision"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, 2, run(tc.args, &stdout, &stderr))
			assert.Contains(t, stderr.String(), tc.want)
			assert.Empty(t, stdout.String())
		})
	}
}

func TestRunNamesTheMissingBinary(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(flagsWith(t, "linux/amd64=/nonexistent/tg"), &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "linux/amd64")
	assert.Contains(t, stderr.String(), "/nonexistent/tg")
}

func TestRunRefusesABinaryThatCannotStartInTheImage(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	notELF := filepath.Join(t.TempDir(), "tenantguard")
	require.NoError(t, os.WriteFile(notELF, []byte("#!/bin/sh\n"), 0o755))
	other, ok := map[string]string{"amd64": "arm64", "arm64": "amd64"}[runtime.GOARCH]
	if !ok {
		t.Skipf("no other architecture to name on %s", runtime.GOARCH)
	}
	tests := map[string]struct {
		binary, want string
	}{
		"a script":                        {"linux/amd64=" + notELF, "not an ELF executable"},
		"a binary for another arch":       {"linux/" + other + "=" + self, "not " + other},
		"a platform the image cannot run": {"windows/amd64=" + self, "windows/amd64"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(flagsWith(t, tc.binary), &stdout, &stderr)
			assert.Equal(t, 1, code)
			assert.Contains(t, stderr.String(), tc.want)
		})
	}
}

// flagsWith returns good flags for one binary, writing into a temporary directory.
func flagsWith(t *testing.T, binary string) []string {
	return []string{"-out", t.TempDir(), "-ref", "example.com/tg:v1", "-binary", binary,
		"-revision", "abc", "-version", "v1", "-licenses", "Apache-2.0", "-created", "1700000000"}
}
