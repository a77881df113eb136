package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// env is a process environment for setGoMemoryLimit.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestGoGetsNineTenthsOfTheContainersMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	set, err := setGoMemoryLimit(env(map[string]string{containerMemoryLimitEnv: "536870912"}))
	require.NoError(t, err)
	assert.Equal(t, int64(483183819), set, "90 % of the chart's 512Mi")
	assert.Equal(t, set, debug.SetMemoryLimit(-1), "the runtime's limit")
}

func TestGOMEMLIMITStillDecides(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	set, err := setGoMemoryLimit(env(map[string]string{containerMemoryLimitEnv: "536870912", "GOMEMLIMIT": "300MiB"}))
	require.NoError(t, err)
	assert.Zero(t, set)
	assert.Equal(t, before, debug.SetMemoryLimit(-1), "left as GOMEMLIMIT set it")

	set, err = setGoMemoryLimit(env(nil))
	require.NoError(t, err)
	assert.Zero(t, set, "no container limit, no Go limit")
	assert.Equal(t, before, debug.SetMemoryLimit(-1))
}

func TestABadContainerMemoryLimitIsAnErrorNamingTheVariable(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	for _, bad := range []string{"512Mi", "-1", "0", "1e9", "99999999999999999999"} {
		_, err := setGoMemoryLimit(env(map[string]string{containerMemoryLimitEnv: bad}))
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), containerMemoryLimitEnv)
		assert.Contains(t, err.Error(), bad)
	}
	assert.Equal(t, before, debug.SetMemoryLimit(-1), "left unchanged")
}
