package changes

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/merkletrie"

	"github.com/tenantguard/tenantguard/clusterconfig"
)

// The environments the promotion goes between, keys of the cluster config's
// environments: production changes by copying staging.
const (
	stagingEnvironment    = "staging"
	productionEnvironment = "production"
)

// renameScore is how similar (in percent) a deleted and an added file must
// be to count as one renamed file, git's own default.
const renameScore = 50

// Options say which change set to build.
type Options struct {
	// Dir is the repository, or a directory inside it.
	Dir string
	// Base and Head are the revisions compared, as base...head: what head
	// changes since it branched off base.
	Base, Head string
	// Actor is who made the change, as the git host names them.
	Actor string
	// Config gives the environment directories and the promotion limits.
	Config *clusterconfig.ClusterConfig
}

// Build reads the repository and returns the change set of base...head. An
// error names what could not be read, or the limit a change set went over.
func Build(ctx context.Context, opts Options) (*ChangeSet, error) {
	repo, err := openRepository(opts.Dir)
	if err != nil {
		return nil, err
	}
	revs, err := resolveRevisions(repo, opts.Base, opts.Head)
	if err != nil {
		return nil, err
	}
	b, err := newBuilder(opts.Config, revs)
	if err != nil {
		return nil, err
	}
	changes, err := b.diff(ctx)
	if err != nil {
		return nil, err
	}
	files := make([]File, 0, len(changes))
	for _, change := range changes {
		file, err := b.file(change)
		if err != nil {
			return nil, err
		}
		files = append(files, file)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return &ChangeSet{
		Kind:      ChangeSetKind,
		Base:      Commit{Ref: opts.Base, Commit: revs.base.Hash.String()},
		Head:      Commit{Ref: opts.Head, Commit: revs.head.Hash.String()},
		MergeBase: revs.mergeBase.Hash.String(),
		Actor:     opts.Actor,
		Files:     files,
	}, nil
}

// builder states the facts about each changed file.
type builder struct {
	cfg              *clusterconfig.ClusterConfig
	reader           reader
	baseTree, head   *object.Tree
	stagingDirectory string
}

func newBuilder(cfg *clusterconfig.ClusterConfig, revs revisions) (*builder, error) {
	baseTree, err := revs.mergeBase.Tree()
	if err != nil {
		return nil, fmt.Errorf("reading the tree of %s: %w", short(revs.mergeBase.Hash), err)
	}
	headTree, err := revs.head.Tree()
	if err != nil {
		return nil, fmt.Errorf("reading the tree of %s: %w", short(revs.head.Hash), err)
	}
	return &builder{
		cfg: cfg, reader: reader{maxFileBytes: cfg.Promotion.MaxFileBytes,
			maxFileNodes: cfg.Promotion.MaxFileNodes, maxFileDepth: cfg.Promotion.MaxFileDepth},
		baseTree: baseTree, head: headTree, stagingDirectory: cfg.Environments[stagingEnvironment],
	}, nil
}

// diff lists the changes from the merge base to head, renames detected,
// refusing more than promotion.maxChangedFiles before comparing contents.
func (b *builder) diff(ctx context.Context) (object.Changes, error) {
	changes, err := object.DiffTreeWithOptions(ctx, b.baseTree, b.head, &object.DiffTreeOptions{})
	if err != nil {
		return nil, fmt.Errorf("comparing the merge base with head: %w", err)
	}
	if limit := b.cfg.Promotion.MaxChangedFiles; len(changes) > limit {
		return nil, fmt.Errorf("the change touches %d files, more than promotion.maxChangedFiles (%d) of the cluster config", len(changes), limit)
	}
	candidates, large, err := b.renameCandidates(changes)
	if err != nil {
		return nil, err
	}
	renamed, err := object.DetectRenames(candidates, &object.DiffTreeOptions{
		DetectRenames: true, RenameScore: renameScore, RenameLimit: uint(b.cfg.Promotion.MaxChangedFiles),
	})
	if err != nil {
		return nil, fmt.Errorf("detecting renames: %w", err)
	}
	return append(renamed, large...), nil
}

// renameCandidates splits the changes into those rename detection may read
// and the additions and deletions of files over promotion.maxFileBytes,
// which stay an addition and a deletion: comparing contents reads them whole.
func (b *builder) renameCandidates(changes object.Changes) (candidates, large object.Changes, err error) {
	for _, change := range changes {
		from, to, err := change.Files()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", cmp.Or(change.To.Name, change.From.Name), err)
		}
		if tooLarge(from, b.cfg.Promotion.MaxFileBytes) || tooLarge(to, b.cfg.Promotion.MaxFileBytes) {
			large = append(large, change)
			continue
		}
		candidates = append(candidates, change)
	}
	return candidates, large, nil
}

// tooLarge says whether a file is over the size bound; nil (no file, or a
// submodule) is not.
func tooLarge(f *object.File, limit int) bool {
	return f != nil && f.Size > int64(limit)
}

// file states the facts about one change.
func (b *builder) file(change *object.Change) (File, error) {
	action, err := change.Action()
	if err != nil {
		return File{}, err
	}
	f := File{Path: change.To.Name}
	switch {
	case action == merkletrie.Insert:
		f.Status = Added
	case action == merkletrie.Delete:
		f.Status, f.Path = Deleted, change.From.Name
	case change.From.Name != change.To.Name:
		f.Status, f.OldPath = Renamed, change.From.Name
	default:
		f.Status = Modified
	}
	f.Environment = b.environmentOf(f.Path)
	if f.Status == Renamed {
		f.OldEnvironment = b.environmentOf(f.OldPath)
	}
	withContent := f.Environment != "" || f.OldEnvironment != ""
	var oldFile, newFile located
	if f.Status != Added {
		if oldFile, err = b.reader.version(b.baseTree, change.From.Name, withContent); err != nil {
			return File{}, err
		}
	}
	if f.Status != Deleted {
		if newFile, err = b.reader.version(b.head, change.To.Name, withContent); err != nil {
			return File{}, err
		}
	}
	f.Old, f.New = oldFile.version, newFile.version
	if f.Environment == productionEnvironment {
		if f.Staging, err = b.counterpart(f.Path, newFile); err != nil {
			return File{}, err
		}
	}
	if f.OldEnvironment == productionEnvironment {
		// The old path is gone at head: its staging counterpart must be gone too.
		if f.OldStaging, err = b.counterpart(f.OldPath, located{}); err != nil {
			return File{}, err
		}
	}
	return f, nil
}

// counterpart reads the staging file of a production path, at head and at
// the merge base, and says whether production (after the change) equals it.
func (b *builder) counterpart(productionPath string, production located) (*Counterpart, error) {
	rel := strings.TrimPrefix(strings.TrimPrefix(productionPath, b.cfg.Environments[productionEnvironment]), "/")
	stagingPath := strings.TrimSuffix(b.stagingDirectory+"/"+rel, "/")
	head, err := b.reader.version(b.head, stagingPath, true)
	if err != nil {
		return nil, err
	}
	base, err := b.reader.version(b.baseTree, stagingPath, true)
	if err != nil {
		return nil, err
	}
	return &Counterpart{Path: stagingPath, Head: head.version, Base: base.version, Equal: sameFile(production, head)}, nil
}

// environmentOf names the environment whose directory holds path, the
// deepest when directories nest; "" when none does.
func (b *builder) environmentOf(path string) string {
	found, depth := "", -1
	for env, dir := range b.cfg.Environments {
		if path != dir && !strings.HasPrefix(path, dir+"/") {
			continue
		}
		if len(dir) > depth || len(dir) == depth && env < found {
			found, depth = env, len(dir)
		}
	}
	return found
}
