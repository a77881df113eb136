package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRunRefusesBadFlagsNamingTheFlag(t *testing.T) {
	good := []string{"-out", t.TempDir(), "-ref", "example.com/tg:v1", "-binary", "linux/amd64=tg",
		"-revision", "abc", "-version", "v1", "-licenses", "Apache-2.0", "-created", "1700000000"}
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
	code := run([]string{"-out", t.TempDir(), "-ref", "example.com/tg:v1", "-binary", "linux/amd64=/nonexistent/tg",
		"-revision", "abc", "-version", "v1", "-licenses", "Apache-2.0", "-created", "1700000000"}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "linux/amd64")
	assert.Contains(t, stderr.String(), "/nonexistent/tg")
}
