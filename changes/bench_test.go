package changes_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/changes"
	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/test/support/gitrepo"
)

// benchCharts is how many charts the benchmark's platform repository holds
// in each environment; the promotion copies every chart's values-images.yaml.
const benchCharts = 50

// BenchmarkChanges measures what `tenantguard changes` does per pull request
// once the policies are loaded: read the change set of a promotion of 50
// charts from git, then judge it.
func BenchmarkChanges(b *testing.B) {
	repo := gitrepo.New(b)
	for i := range benchCharts {
		repo.Chart("staging", fmt.Sprintf("chart%02d", i), "b2")
		repo.Chart("production", fmt.Sprintf("chart%02d", i), "a1")
	}
	repo.Commit("staging runs b2")
	repo.Git("checkout", "--quiet", "-b", "promote")
	for i := range benchCharts {
		path := fmt.Sprintf("chart%02d/values-images.yaml", i)
		repo.Copy("staging/"+path, "production/"+path)
	}
	repo.Commit("[Automated] promote b2")
	e := defaultEngine(b)
	ctx := context.Background()
	opts := changes.Options{Dir: repo.Dir, Base: "main", Head: "HEAD", Actor: bot, Config: clusterconfig.Default()}
	b.ReportAllocs()
	for b.Loop() {
		cs, err := changes.Build(ctx, opts)
		require.NoError(b, err)
		results, err := changes.Evaluate(ctx, e, cs)
		require.NoError(b, err)
		require.Len(b, results, benchCharts)
	}
}
