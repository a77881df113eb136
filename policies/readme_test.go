package policies_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/policies"
)

// The rule table of README.md is what policy authors and on-call engineers
// read; it must list every rule exactly as its METADATA declares it.
func TestReadmeRuleTableMatchesMetadata(t *testing.T) {
	engine, err := policy.New(context.Background(), policies.FS, nil)
	require.NoError(t, err)
	var want []string
	for _, r := range engine.Rules() {
		want = append(want, fmt.Sprintf("| `%s` | %s | %s |", r.ID, r.Enforcement, r.Title))
	}
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	assert.Equal(t, want, ruleTable(string(readme)),
		"policies/README.md's rule table is stale; `go run ./cmd/tenantguard rules -o markdown` prints the current one")
}

// ruleTable returns the data rows of the table under the "## Rules" heading.
func ruleTable(readme string) []string {
	_, section, _ := strings.Cut(readme, "\n## Rules\n")
	var rows []string
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		if strings.HasPrefix(line, "| `") {
			rows = append(rows, line)
		}
	}
	return rows
}
