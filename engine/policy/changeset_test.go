package policy_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/policies"
)

const handEditedProduction = `{"kind": "ChangeSet", "actor": "alice", "files": [{
	"path": "production/shop/values.yaml", "status": "modified", "environment": "production",
	"new": {"mode": "file", "size": 12, "binary": false, "content": "replicas: 3\n"},
	"staging": {"path": "staging/shop/values.yaml", "equal": false, "head": {"mode": "file", "size": 12, "binary": false, "content": "replicas: 2\n"}}
}]}`

func TestChangeSetFindingsCarryFileAndLine(t *testing.T) {
	e := engine(t, policies.FS, nil)

	findings, err := e.ChangeSet(t.Context(), []byte(handEditedProduction))

	require.NoError(t, err)
	require.Len(t, findings, 1)
	assert.Equal(t, "change-production-promotion", findings[0].Rule)
	assert.Equal(t, "production/shop/values.yaml", findings[0].File)
	assert.Equal(t, 1, findings[0].Line)
}

func TestAChangeSetIsNotAskedTheObjectRules(t *testing.T) {
	e := engine(t, policies.FS, nil)

	findings, err := e.Review(t.Context(), policy.Input{Operation: "CREATE", Object: object(t, handEditedProduction)})

	require.NoError(t, err)
	assert.Empty(t, findings)
}

func TestChangeSetWithoutAnEntryPointIsAnError(t *testing.T) {
	fsys := fstest.MapFS{"main/main.rego": {Data: []byte("package tenantguard.main\n\nviolations := set()\n")}}
	e := engine(t, fsys, nil)

	_, err := e.ChangeSet(t.Context(), []byte(handEditedProduction))

	assert.True(t, errors.Is(err, policy.ErrNoChangeSetRules), "judging nothing would pass every change: %v", err)
}

func TestChangeSetRefusesAFindingWithABadLine(t *testing.T) {
	for name, line := range map[string]string{"a string": `"3"`, "zero": `0`, "a fraction": `1.5`} {
		t.Run(name, func(t *testing.T) {
			main := "package tenantguard.main\n\nchange_violations contains {\"rule\": \"r\", \"msg\": \"m\", \"enforcement\": \"deny\", \"line\": " + line + "} if input.kind\n"
			e := engine(t, fstest.MapFS{"main/main.rego": {Data: []byte(main)}}, nil)

			_, err := e.ChangeSet(t.Context(), []byte(`{"kind": "ChangeSet"}`))

			require.Error(t, err)
			assert.Contains(t, err.Error(), "rule r: line")
		})
	}
}

func TestRulesSayWhatTheyJudge(t *testing.T) {
	judges := map[string]string{}
	for _, r := range engine(t, policies.FS, nil).Rules() {
		judges[r.ID] = r.Judges
	}
	assert.Equal(t, "application", judges["app-pinned-revision"])
	assert.Equal(t, "tenant", judges["tenant-arch"])
	assert.Equal(t, "change", judges["change-protected-file"])
}
