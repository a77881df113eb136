package e2e

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tenantguard/tenantguard/test/support/fieldshapes"
	"github.com/tenantguard/tenantguard/webhook"
)

// The field attacks of the hostile suite, scaled down: Applications whose
// fields cost far more to read than their bytes, each refused at once by
// decoding, naming the limit, before the rules parse or resolve anything.

// fieldsSpec is an Application spec (raw JSON) of the given sources.
func fieldsSpec(sources []map[string]any) string {
	raw, _ := json.Marshal(map[string]any{"project": "tenant-shop", "sources": sources})
	return string(raw)
}

func chartValuesSource(values string) map[string]any {
	return map[string]any{"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.0.0",
		"helm": map[string]any{"values": values}}
}

func gitListSource(section, list string, entries []any) map[string]any {
	return map[string]any{"repoURL": "https://git.example.com/p.git", "path": "staging/shop", "targetRevision": "HEAD",
		section: map[string]any{list: entries}}
}

func copies(n int, source map[string]any) []map[string]any {
	list := make([]map[string]any, n)
	for i := range list {
		list[i] = source
	}
	return list
}

func TestHostileFieldsAreRefusedNamingTheLimit(t *testing.T) {
	addr, _, _ := startSecondServer(t)
	client := &http.Client{Transport: insecureTransport(4)}
	var aliases []map[string]any
	for i := range 2 {
		aliases = append(aliases, chartValuesSource(fieldshapes.AliasValues(i, 95)))
	}
	tests := map[string]struct {
		sources []map[string]any
		want    string
	}{
		"helm.values aliases expanding to 374,000 nodes in 2 sources": {aliases, "(limits.maxValuesNodes)"},
		"helm.values of 9,000 nested flow lists":                      {copies(1, chartValuesSource(fieldshapes.NestedLists(9000))), "(limits.maxValuesDepth)"},
		`a 64 KB value file of "a/../"`: {
			copies(1, gitListSource("helm", "valueFiles", []any{fieldshapes.ClimbingPath(64 << 10)})), "(limits.maxFieldBytes)",
		},
		"8 sources of 100 value files": {
			copies(8, gitListSource("helm", "valueFiles", fieldshapes.Paths(100, fieldshapes.ParentPath(20)))), "(limits.maxPathEntries)",
		},
		"8 sources of 100 kustomize components": {
			copies(8, gitListSource("kustomize", "components", fieldshapes.Paths(100, "../components/c"))), "(limits.maxPathEntries)",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			body := hostileReview("fields", `"Application"`, `"CREATE"`, hostileApplication(shopMeta, fieldsSpec(tt.sources)))
			for _, path := range []string{webhook.ValidatePath, webhook.MutatePath} {
				resp := postRaw(t, client, addr, path, body)
				assert.False(t, resp.Allowed, path)
				assert.Equal(t, int32(400), resp.Result.Code, path)
				assert.Contains(t, resp.Result.Message, tt.want, path)
				assert.Less(t, len(resp.Result.Message), 2000, "a refusal stays short")
			}
		})
	}
	assertStillServing(t, client, addr)
}
