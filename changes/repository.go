package changes

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrNoMergeBase is returned when base and head share no commit: there is no
// change to measure, as a pull request between unrelated histories has none.
var ErrNoMergeBase = errors.New("no common ancestor")

// revisions are the three commits a change set is measured with.
type revisions struct {
	base, head, mergeBase *object.Commit
}

// openRepository opens the repository at dir or at a directory above it, as
// git does, worktrees of another repository included.
func openRepository(dir string) (*git.Repository, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("opening git repository %s: %w", dir, err)
	}
	return repo, nil
}

// resolveRevisions resolves base and head to commits and finds their merge base.
func resolveRevisions(repo *git.Repository, base, head string) (revisions, error) {
	var r revisions
	var err error
	if r.base, err = resolveCommit(repo, "--base", base); err != nil {
		return r, err
	}
	if r.head, err = resolveCommit(repo, "--head", head); err != nil {
		return r, err
	}
	bases, err := r.head.MergeBase(r.base)
	if err != nil {
		return r, fmt.Errorf("finding the merge base of %s and %s: %w", base, head, err)
	}
	if len(bases) == 0 {
		return r, fmt.Errorf("%s (%s) and %s (%s): %w; a change is measured from where head branched off base "+
			"(in a shallow CI checkout, fetch the full history: fetch-depth 0)",
			base, short(r.base.Hash), head, short(r.head.Hash), ErrNoMergeBase)
	}
	// Of several best common ancestors (criss-cross merges), git diff base...head
	// takes the first; so does this.
	r.mergeBase = bases[0]
	return r, nil
}

// resolveCommit resolves a revision (a branch, a remote branch, a tag, HEAD,
// a commit id, rev~n) to its commit; flag names the option that gave it.
func resolveCommit(repo *git.Repository, flag, revision string) (*object.Commit, error) {
	hash, err := repo.ResolveRevision(plumbing.Revision(revision))
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", flag, revision, err)
	}
	commit, err := repo.CommitObject(*hash)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %s is not a commit: %w", flag, revision, short(*hash), err)
	}
	return commit, nil
}

// short is the abbreviated commit id people read.
func short(h plumbing.Hash) string { return h.String()[:12] }
