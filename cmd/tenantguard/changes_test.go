package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/test/support/gitrepo"
)

// handEditedRepo is the platform repository on a branch that edits a
// production chart by hand.
func handEditedRepo(t *testing.T) *gitrepo.Repo {
	repo := gitrepo.Seed(t, "a1", "a1")
	repo.Git("checkout", "--quiet", "-b", "hotfix")
	repo.Write("production/shop/values.yaml", "replicas: 5\nresources:\n  cpu: 100m\n")
	repo.Commit("shop: five replicas in production")
	return repo
}

func TestChangesExitCodes(t *testing.T) {
	t.Setenv("GITHUB_ACTOR", "")
	t.Setenv("GITLAB_USER_LOGIN", "")
	promoted := gitrepo.Seed(t, "a1", "b2")
	promoted.Git("checkout", "--quiet", "-b", "promote")
	promoted.Copy("staging/shop/values-images.yaml", "production/shop/values-images.yaml")
	promoted.Commit("[Automated] promote b2")
	edited := handEditedRepo(t)
	unrelated := gitrepo.Seed(t, "a1", "a1")
	unrelated.Git("checkout", "--quiet", "--orphan", "elsewhere")
	unrelated.Commit("another history")

	cases := map[string]struct {
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		"a promotion by automation exits 0": {
			args: []string{"changes", "--base", "main", "--actor", "github-actions[bot]", promoted.Dir}, wantCode: 0,
			wantOut: "1 file, 0 violations",
		},
		"a hand edit of production exits 1 naming file and line": {
			args: []string{"changes", "--base", "main", "--actor", "alice", edited.Dir}, wantCode: 1,
			wantOut: "FAIL\tproduction/shop/values.yaml:1\t[change-production-promotion] production/shop/values.yaml differs from staging/shop/values.yaml at line 1",
		},
		"an automation file promoted by a person exits 1": {
			args: []string{"changes", "--base", "main", "--actor", "alice", promoted.Dir}, wantCode: 1,
			wantOut: "[change-protected-file] production/shop/values-images.yaml is written only by automation",
		},
		"no common base exits 2 saying so": {
			args: []string{"changes", "--base", "main", unrelated.Dir}, wantCode: 2,
			wantErr: "tenantguard changes: main (",
		},
		"a missing base exits 2 naming the flag": {
			args: []string{"changes", edited.Dir}, wantCode: 2, wantErr: `--base "origin/main"`,
		},
		"a directory that is no repository exits 2": {
			args: []string{"changes", "--base", "main", t.TempDir()}, wantCode: 2, wantErr: "opening git repository",
		},
		"two repositories are a usage error": {
			args: []string{"changes", "a", "b"}, wantCode: 2, wantErr: "one repository at most, got 2",
		},
		"an unknown format is a usage error": {
			args: []string{"changes", "-o", "xml"}, wantCode: 2, wantErr: `unknown format "xml" (want text, json, junit, sarif, github)`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := tenantguard("", tc.args...)
			assert.Equal(t, tc.wantCode, code, "stdout: %s\nstderr: %s", out, errOut)
			assert.Contains(t, out, tc.wantOut)
			assert.Contains(t, errOut, tc.wantErr)
		})
	}
	t.Run("the no-common-base error is clear", func(t *testing.T) {
		_, _, errOut := tenantguard("", "changes", "--base", "main", unrelated.Dir)
		assert.Contains(t, errOut, "no common ancestor; a change is measured from where head branched off base")
	})
}

func TestChangesActorDefaultsToTheCIUser(t *testing.T) {
	repo := gitrepo.Seed(t, "a1", "b2")
	repo.Git("checkout", "--quiet", "-b", "promote")
	repo.Copy("staging/shop/values-images.yaml", "production/shop/values-images.yaml")
	repo.Commit("[Automated] promote b2")
	t.Setenv("GITHUB_ACTOR", "github-actions[bot]")
	code, out, errOut := tenantguard("", "changes", "--base", "main", repo.Dir)
	assert.Equal(t, 0, code, out+errOut)
	t.Setenv("GITHUB_ACTOR", "")
	t.Setenv("GITLAB_USER_LOGIN", "mallory")
	code, out, _ = tenantguard("", "changes", "--base", "main", repo.Dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `but "mallory" modified it`)
}

func TestChangesPrintInputWritesTheChangeSet(t *testing.T) {
	repo := handEditedRepo(t)
	code, out, errOut := tenantguard("", "changes", "--base", "main", "--actor", "alice", "--print-input", repo.Dir)
	require.Equal(t, 0, code, errOut)
	var cs struct {
		Kind, Actor, MergeBase string
		Base, Head             struct{ Ref, Commit string }
		Files                  []struct {
			Path, Status, Environment string
			New                       struct{ Content string }
			Staging                   struct {
				Path  string
				Equal bool
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &cs))
	assert.Equal(t, "ChangeSet", cs.Kind)
	assert.Equal(t, "alice", cs.Actor)
	assert.Equal(t, "main", cs.Base.Ref)
	assert.Equal(t, repo.Git("rev-parse", "HEAD"), cs.Head.Commit)
	assert.Equal(t, repo.Git("merge-base", "main", "HEAD"), cs.MergeBase)
	require.Len(t, cs.Files, 1)
	assert.Equal(t, "production/shop/values.yaml", cs.Files[0].Path)
	assert.Equal(t, "modified", cs.Files[0].Status)
	assert.Equal(t, "production", cs.Files[0].Environment)
	assert.True(t, strings.HasPrefix(cs.Files[0].New.Content, "replicas: 5\n"))
	assert.Equal(t, "staging/shop/values.yaml", cs.Files[0].Staging.Path)
	assert.False(t, cs.Files[0].Staging.Equal)
}

func TestChangesWritesSARIFAndGitHubAnnotations(t *testing.T) {
	repo := handEditedRepo(t)
	code, out, errOut := tenantguard("", "changes", "--base", "main", "--actor", "alice", "-o", "github", repo.Dir)
	require.Equal(t, 1, code, errOut)
	assert.Equal(t, "::error file=production/shop/values.yaml,line=1,title=change-production-promotion::"+
		"[change-production-promotion] production/shop/values.yaml differs from staging/shop/values.yaml at line 1: "+
		`production has "replicas: 5", staging has "replicas: 2"; production changes only by promoting staging: `+
		"change staging/shop/values.yaml, let it run in staging, then copy it to production/shop/values.yaml\n", out)

	code, out, errOut = tenantguard("", "changes", "--base", "main", "--actor", "alice", "-o", "sarif", repo.Dir)
	require.Equal(t, 1, code, errOut)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	require.Len(t, log.Runs[0].Results, 1)
	loc := log.Runs[0].Results[0].Locations[0].PhysicalLocation
	assert.Equal(t, "production/shop/values.yaml", loc.ArtifactLocation.URI)
	assert.Equal(t, 1, loc.Region.StartLine)
}
