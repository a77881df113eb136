package changes_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/changes"
	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/policies"
	"github.com/tenantguard/tenantguard/test/support/gitrepo"
)

const bot = "github-actions[bot]"

var (
	engineOnce sync.Once
	engine     *policy.Engine
	engineErr  error
)

// defaultEngine is the embedded rule set with the default config, compiled once.
func defaultEngine(t testing.TB) *policy.Engine {
	engineOnce.Do(func() {
		engine, engineErr = policy.NewWithConfig(context.Background(), policies.FS, clusterconfig.Default())
	})
	require.NoError(t, engineErr)
	return engine
}

// build is the change set of main...HEAD in repo, as actor made it.
func build(t *testing.T, repo *gitrepo.Repo, actor string) (*changes.ChangeSet, error) {
	return changes.Build(context.Background(), changes.Options{Dir: repo.Dir, Base: "main", Head: "HEAD", Actor: actor, Config: clusterconfig.Default()})
}

// finding is a finding as a reviewer reads it.
type finding struct {
	Rule, File string
	Line       int
}

// judge builds the change set and returns its findings, sorted.
func judge(t *testing.T, repo *gitrepo.Repo, actor string) []finding {
	t.Helper()
	cs, err := build(t, repo, actor)
	require.NoError(t, err)
	results, err := changes.Evaluate(context.Background(), defaultEngine(t), cs)
	require.NoError(t, err)
	var out []finding
	for _, r := range results {
		for _, f := range r.Findings {
			file, line := r.Location(f)
			out = append(out, finding{f.Rule, file, line})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Rule != out[j].Rule {
			return out[i].Rule < out[j].Rule
		}
		return out[i].File < out[j].File
	})
	return out
}

// fileOf is the changed file at path.
func fileOf(t *testing.T, cs *changes.ChangeSet, path string) changes.File {
	t.Helper()
	for _, f := range cs.Files {
		if f.Path == path {
			return f
		}
	}
	require.Failf(t, "no such changed file", "%s among %v", path, cs.Files)
	return changes.File{}
}

func TestAnAutomatedPromotionPasses(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "b2")
	repo.Git("checkout", "--quiet", "-b", "automated-value-files-updates-prod-b2")
	repo.Copy("staging/shop/values-images.yaml", "production/shop/values-images.yaml")
	repo.Commit("[Automated] update production directory values files to b2")

	assert.Empty(t, judge(t, repo, bot))
	cs, err := build(t, repo, bot)
	require.NoError(t, err)
	f := fileOf(t, cs, "production/shop/values-images.yaml")
	assert.Equal(t, changes.Modified, f.Status)
	assert.Equal(t, "production", f.Environment)
	require.NotNil(t, f.Staging)
	assert.True(t, f.Staging.Equal)
	assert.Equal(t, "# written by the release automation\nimageTag: b2\n", *f.Staging.Base.Content, "staging at the merge base already ran b2")
}

func TestAChartChangePromotedFromStagingPasses(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Write("staging/shop/values.yaml", "replicas: 3\nresources:\n  cpu: 100m\n")
	repo.Commit("shop: three replicas in staging")
	repo.Git("checkout", "--quiet", "-b", "promote")
	repo.Copy("staging/shop/values.yaml", "production/shop/values.yaml")
	repo.Commit("shop: promote three replicas")
	assert.Empty(t, judge(t, repo, "alice"), "a person may promote a chart change; only values-images.yaml is automation's")
}

func TestAHandEditOfAProductionChartIsRefusedAtTheLine(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Git("checkout", "--quiet", "-b", "hotfix")
	repo.Write("production/shop/values.yaml", "replicas: 2\nresources:\n  cpu: 500m\n")
	repo.Commit("shop: more cpu in production")
	assert.Equal(t, []finding{{"change-production-promotion", "production/shop/values.yaml", 3}}, judge(t, repo, "alice"))
}

func TestAHandEditOfAProductionTagIsRefused(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "b2")
	repo.Git("checkout", "--quiet", "-b", "hotfix")
	repo.Write("production/shop/values-images.yaml", "# written by the release automation\nimageTag: c3\n")
	repo.Commit("shop: c3 straight to production")
	assert.Equal(t, []finding{
		{"change-image-promoted", "production/shop/values-images.yaml", 2},
		{"change-production-promotion", "production/shop/values-images.yaml", 2},
		{"change-protected-file", "production/shop/values-images.yaml", 0},
	}, judge(t, repo, "alice"))
}

func TestStagingAndProductionUpdatedInOnePullRequestAreRefused(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Git("checkout", "--quiet", "-b", "both")
	repo.Write("staging/shop/values-images.yaml", "# written by the release automation\nimageTag: c3\n")
	repo.Copy("staging/shop/values-images.yaml", "production/shop/values-images.yaml")
	repo.Commit("[Automated] update both to c3")
	assert.Equal(t, []finding{{"change-image-promoted", "production/shop/values-images.yaml", 2}}, judge(t, repo, bot),
		"equal to staging, by automation, but staging never ran c3")
}

func TestAnAutomationOwnedFileChangedByAPersonIsRefused(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Git("checkout", "--quiet", "-b", "manual-release")
	repo.Write("staging/shop/values-images.yaml", "# written by the release automation\nimageTag: d4\n")
	repo.Commit("shop: d4 in staging by hand")
	assert.Equal(t, []finding{{"change-protected-file", "staging/shop/values-images.yaml", 0}}, judge(t, repo, "alice"))
	assert.Empty(t, judge(t, repo, bot))
	assert.Equal(t, []finding{{"change-protected-file", "staging/shop/values-images.yaml", 0}}, judge(t, repo, ""),
		"an unknown actor is no automation")
}

func TestARenameInProductionIsRefusedOnBothPaths(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Git("checkout", "--quiet", "-b", "rename")
	repo.Git("mv", "production/shop/values.yaml", "production/shop/values-prod.yaml")
	repo.Commit("shop: rename production values")
	cs, err := build(t, repo, "alice")
	require.NoError(t, err)
	f := fileOf(t, cs, "production/shop/values-prod.yaml")
	assert.Equal(t, changes.Renamed, f.Status)
	assert.Equal(t, "production/shop/values.yaml", f.OldPath)
	require.NotNil(t, f.OldStaging)
	assert.False(t, f.OldStaging.Equal, "staging still has the old path")
	assert.Equal(t, []finding{
		{"change-production-promotion", "production/shop/values-prod.yaml", 0},
		{"change-production-promotion", "production/shop/values.yaml", 0},
	}, judge(t, repo, "alice"))
}

func TestARenameOutOfStagingIntoProductionIsAnEscape(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Write("staging/shop/extra.yaml", "extra: true\nsize: 1\n")
	repo.Commit("shop: extra values in staging")
	repo.Git("checkout", "--quiet", "-b", "move")
	repo.Git("mv", "staging/shop/extra.yaml", "production/shop/extra.yaml")
	repo.Commit("shop: move extra values")
	assert.Equal(t, []finding{
		{"change-environment-escape", "production/shop/extra.yaml", 0},
		{"change-production-promotion", "production/shop/extra.yaml", 0},
	}, judge(t, repo, "alice"))
}

func TestDeletions(t *testing.T) {
	t.Run("a production file deleted while staging keeps it is refused", func(t *testing.T) {
		repo := gitrepo.Seed(t, "a1", "a1")
		repo.Git("checkout", "--quiet", "-b", "delete")
		repo.Git("rm", "--quiet", "production/shop/templates/deployment.yaml")
		repo.Commit("shop: no deployment in production")
		cs, err := build(t, repo, "alice")
		require.NoError(t, err)
		f := fileOf(t, cs, "production/shop/templates/deployment.yaml")
		assert.Equal(t, changes.Deleted, f.Status)
		assert.Nil(t, f.New)
		assert.Equal(t, []finding{{"change-production-promotion", "production/shop/templates/deployment.yaml", 0}}, judge(t, repo, "alice"))
	})
	t.Run("a deletion promoted from staging passes", func(t *testing.T) {
		repo := gitrepo.Seed(t, "a1", "a1")
		repo.Git("rm", "--quiet", "staging/shop/templates/deployment.yaml")
		repo.Commit("shop: no deployment in staging")
		repo.Git("checkout", "--quiet", "-b", "promote-delete")
		repo.Git("rm", "--quiet", "production/shop/templates/deployment.yaml")
		repo.Commit("shop: promote the deletion")
		assert.Empty(t, judge(t, repo, "alice"))
	})
}

func TestBinaryFiles(t *testing.T) {
	logo := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Write("staging/shop/files/logo.png", logo)
	repo.Commit("shop: a logo in staging")
	repo.Git("checkout", "--quiet", "-b", "logo")
	repo.Copy("staging/shop/files/logo.png", "production/shop/files/logo.png")
	repo.Commit("shop: promote the logo")
	cs, err := build(t, repo, "alice")
	require.NoError(t, err)
	f := fileOf(t, cs, "production/shop/files/logo.png")
	assert.True(t, f.New.Binary)
	assert.Nil(t, f.New.Content, "binary content never enters the input")
	assert.Equal(t, int64(len(logo)), f.New.Size)
	assert.Empty(t, judge(t, repo, "alice"), "a binary equal to staging's is a promotion")

	repo.Write("production/shop/files/logo.png", logo+"\x00changed")
	repo.Commit("shop: another logo in production")
	assert.Equal(t, []finding{{"change-production-promotion", "production/shop/files/logo.png", 0}}, judge(t, repo, "alice"))
}

func TestASymlinkOutOfItsEnvironmentIsRefused(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Git("checkout", "--quiet", "-b", "link")
	repo.Symlink("production/shop/values.yaml", "../../staging/shop/values.yaml")
	repo.Commit("shop: production reads staging's values")
	cs, err := build(t, repo, "alice")
	require.NoError(t, err)
	f := fileOf(t, cs, "production/shop/values.yaml")
	assert.Equal(t, changes.Symlink, f.New.Mode)
	assert.Equal(t, "../../staging/shop/values.yaml", *f.New.Content)
	assert.Equal(t, []finding{
		{"change-environment-escape", "production/shop/values.yaml", 0},
		{"change-production-promotion", "production/shop/values.yaml", 0},
	}, judge(t, repo, "alice"))
}

func TestTheChangeIsMeasuredFromTheMergeBase(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Git("checkout", "--quiet", "-b", "feature")
	repo.Write("docs/notes.md", "notes\n")
	repo.Commit("docs: notes")
	repo.Git("checkout", "--quiet", "main")
	repo.Write("production/shop/values.yaml", "replicas: 9\n")
	repo.Commit("main moved on, by hand")
	repo.Git("checkout", "--quiet", "feature")
	cs, err := build(t, repo, "alice")
	require.NoError(t, err)
	require.Len(t, cs.Files, 1, "what main did since the branch is not the pull request's")
	assert.Equal(t, "docs/notes.md", cs.Files[0].Path)
	assert.Equal(t, "", cs.Files[0].Environment)
	assert.Nil(t, cs.Files[0].New.Content, "files outside environment directories come without content")
	assert.Equal(t, repo.Git("merge-base", "main", "feature"), cs.MergeBase)
}

func TestABranchWithNoCommonBaseIsAnError(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Git("checkout", "--quiet", "--orphan", "unrelated")
	repo.Commit("unrelated history")
	_, err := build(t, repo, "alice")
	require.Error(t, err)
	assert.True(t, errors.Is(err, changes.ErrNoMergeBase))
	assert.Contains(t, err.Error(), "main (")
	assert.Contains(t, err.Error(), "no common ancestor")
}

func TestBadRevisionsAndRepositoriesNameWhatWasGiven(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	_, err := changes.Build(context.Background(), changes.Options{Dir: repo.Dir, Base: "origin/nope", Head: "HEAD", Config: clusterconfig.Default()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `--base "origin/nope"`)
	_, err = changes.Build(context.Background(), changes.Options{Dir: t.TempDir(), Base: "main", Head: "HEAD", Config: clusterconfig.Default()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "opening git repository")
}

func TestLimitsAreNamedWhenExceeded(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Git("checkout", "--quiet", "-b", "big")
	repo.Write("staging/shop/a.yaml", "a: 1\n")
	repo.Write("staging/shop/big.yaml", "b: "+strings.Repeat("x", 97)+"\n")
	repo.Commit("two files")

	cfg := clusterconfig.Default()
	cfg.Promotion.MaxChangedFiles = 1
	_, err := changes.Build(context.Background(), changes.Options{Dir: repo.Dir, Base: "main", Head: "HEAD", Config: cfg})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the change touches 2 files, more than promotion.maxChangedFiles (1)")

	cfg = clusterconfig.Default()
	cfg.Promotion.MaxFileBytes = 64
	_, err = changes.Build(context.Background(), changes.Options{Dir: repo.Dir, Base: "main", Head: "HEAD", Config: cfg})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "staging/shop/big.yaml: 101 bytes, more than promotion.maxFileBytes (64)")
}

func TestFilesOverTheSizeBoundOutsideEnvironmentsAreListedUnread(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Write("docs/diagram.svg", strings.Repeat("<svg/>", 50))
	repo.Commit("docs: a diagram")
	repo.Git("checkout", "--quiet", "-b", "move-diagram")
	repo.Git("mv", "docs/diagram.svg", "docs/architecture.svg")
	repo.Commit("docs: rename the diagram")
	cfg := clusterconfig.Default()
	cfg.Promotion.MaxFileBytes = 64

	cs, err := changes.Build(context.Background(), changes.Options{Dir: repo.Dir, Base: "main", Head: "HEAD", Config: cfg})

	require.NoError(t, err, "a large file no rule reads is no reason to refuse the change")
	require.Len(t, cs.Files, 2, "too large to compare, so not detected as a rename")
	assert.Equal(t, changes.Added, fileOf(t, cs, "docs/architecture.svg").Status)
	assert.Equal(t, changes.Deleted, fileOf(t, cs, "docs/diagram.svg").Status)
	assert.Equal(t, int64(300), fileOf(t, cs, "docs/architecture.svg").New.Size)
}
