package main

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionPrintsTheVersionAndTheCommit(t *testing.T) {
	code, out, _ := tenantguard("", "version")
	assert.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if assert.Len(t, lines, 2) {
		assert.Equal(t, "tenantguard dev", lines[0])
		assert.True(t, strings.HasPrefix(lines[1], "commit "), lines[1])
	}
}

func TestBuiltFrom(t *testing.T) {
	vcs := func(settings ...string) *debug.BuildInfo {
		info := &debug.BuildInfo{}
		for i := 0; i < len(settings); i += 2 {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return info
	}
	tests := map[string]struct {
		stamped string
		info    *debug.BuildInfo
		want    string
	}{
		"the stamped commit wins over the checkout's": {"abc", vcs("vcs.revision", "def"), "abc"},
		"a clean checkout gives its revision":         {"", vcs("vcs.revision", "def", "vcs.modified", "false"), "def"},
		"a changed checkout is marked dirty":          {"", vcs("vcs.revision", "def", "vcs.modified", "true"), "def-dirty"},
		"a build outside a checkout is unknown":       {"", vcs("-trimpath", "true"), "unknown"},
		"no build info is unknown":                    {"", nil, "unknown"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, builtFrom(tc.stamped, tc.info))
		})
	}
}
