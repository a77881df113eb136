package exceptionlookup_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
)

func exception(name, expires string, names ...any) map[string]any {
	return map[string]any{
		"apiVersion": "tenantguard.io/v1alpha1", "kind": "PolicyException",
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{
			"rules": []any{"app-pinned-revision"}, "reason": "INC-4211", "expires": expires,
			"match": map[string]any{"kind": "Application", "namespace": "argocd", "names": names},
		},
	}
}

func TestTheFirstExceptionOfANameCounts(t *testing.T) {
	first := exception("inc-4211", "2026-12-06T12:00:00Z", "shop")
	second := exception("inc-4211", "2027-01-01T00:00:00Z", "shop")
	idx := exceptionlookup.NewIndex([]map[string]any{first, second})
	found, err := idx.For(t.Context(), exceptionlookup.Object{Kind: "Application", Name: "shop"})
	require.NoError(t, err)
	assert.Equal(t, []map[string]any{first}, found,
		"a cluster stores one exception of a name, and the rules may not see two")
}

func TestAnIndexFindsAnExceptionByTheNamesItSelects(t *testing.T) {
	shop := exception("inc-4211", "2026-12-06T12:00:00Z", "shop", "cart")
	idx := exceptionlookup.NewIndex([]map[string]any{shop})
	for name, want := range map[string]int{"shop": 1, "cart": 1, "web": 0} {
		found, err := idx.For(t.Context(), exceptionlookup.Object{Kind: "Application", Name: name})
		require.NoError(t, err)
		assert.Len(t, found, want, name)
	}
}

// eval reads documents with their numbers kept as written: an exception
// exported from a cluster carries metadata.generation as a json.Number.
func TestAnIndexReadsAnExceptionWhoseNumbersAreKeptAsWritten(t *testing.T) {
	exported := exception("inc-4211", "2026-12-06T12:00:00Z", "shop")
	exported["metadata"].(map[string]any)["generation"] = json.Number("3")
	e, err := exceptionlookup.FromMap(exported)
	require.NoError(t, err)
	assert.Equal(t, int64(3), e.Generation)
	found, err := exceptionlookup.NewIndex([]map[string]any{exported}).For(t.Context(), exceptionlookup.Object{Kind: "Application", Name: "shop"})
	require.NoError(t, err)
	assert.Len(t, found, 1)
}

func TestFromMapNamesTheExceptionItCannotRead(t *testing.T) {
	broken := exception("inc-4211", "2026-12-06T12:00:00Z", "shop")
	broken["spec"].(map[string]any)["rules"] = "app-pinned-revision"
	_, err := exceptionlookup.FromMap(broken)
	assert.ErrorContains(t, err, "reading PolicyException inc-4211: ")
}

func TestAnIndexHandsTheRulesTheNameAndTheSpecAsWritten(t *testing.T) {
	exported := exception("inc-4211", "2026-12-06T12:00:00.5Z", "shop")
	exported["metadata"].(map[string]any)["managedFields"] = []any{map[string]any{"manager": "kubectl"}}
	exported["status"] = map[string]any{"state": "Active"}

	found, err := exceptionlookup.NewIndex([]map[string]any{exported}).For(t.Context(), exceptionlookup.Object{Kind: "Application", Name: "shop"})

	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, exception("inc-4211", "2026-12-06T12:00:00.5Z", "shop"), found[0],
		"what the cache's Finder hands too: no managed fields or status, the expiry as conftest reads it")
}
