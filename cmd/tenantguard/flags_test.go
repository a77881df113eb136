package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHelpIsAnAnswerOnStandardOutput(t *testing.T) {
	for _, name := range []string{"serve", "eval", "changes", "audit", "rules", "version"} {
		for _, help := range []string{"-h", "--help"} {
			t.Run(name+" "+help, func(t *testing.T) {
				code, stdout, stderr := tenantguard("", name, help)
				assert.Equal(t, exitOK, code)
				assert.Contains(t, stdout, "Usage: tenantguard "+name)
				assert.Empty(t, stderr)
			})
		}
	}
}

func TestTopLevelHelpExitsZero(t *testing.T) {
	for _, help := range []string{"-h", "--help", "help"} {
		code, stdout, stderr := tenantguard("", help)
		assert.Equal(t, exitOK, code, help)
		assert.Contains(t, stdout, "Usage: tenantguard <command>", help)
		assert.Empty(t, stderr, help)
	}
}

func TestWrongFlagExitsTwoWithUsageOnStandardError(t *testing.T) {
	for _, name := range []string{"serve", "eval", "changes", "audit", "rules", "version"} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := tenantguard("", name, "--no-such-flag")
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, "flag provided but not defined: -no-such-flag")
			assert.Contains(t, stderr, "Usage: tenantguard "+name)
		})
	}
}

func TestNoCommandExitsTwo(t *testing.T) {
	code, stdout, stderr := tenantguard("")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "Usage: tenantguard <command>")
}
