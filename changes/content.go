package changes

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/tenantguard/tenantguard/engine/decode"
)

// reader reads file versions out of a commit's tree, within the size bound.
type reader struct {
	// maxFileBytes is the largest content read (promotion.maxFileBytes).
	maxFileBytes int
	// maxFileNodes and maxFileDepth bound the YAML of the content read
	// (promotion.maxFileNodes, promotion.maxFileDepth).
	maxFileNodes, maxFileDepth int
}

// modeOf names a tree entry's mode; ok is false for a mode a file cannot have.
func modeOf(m filemode.FileMode) (Mode, bool) {
	switch m {
	case filemode.Regular, filemode.Deprecated:
		return Regular, true
	case filemode.Executable:
		return Executable, true
	case filemode.Symlink:
		return Symlink, true
	case filemode.Submodule:
		return Submodule, true
	}
	return "", false
}

// located is a file's version and its git object id, which says whether two
// files hold the same bytes without comparing them.
type located struct {
	version *Version
	hash    string
}

// version reads the file at path in tree; a nil version when tree holds no
// file there. withContent says whether a regular file's text is wanted:
// symlink targets and submodule commits always come with their content, as
// they are small and the rules judge where they point.
func (r reader) version(tree *object.Tree, path string, withContent bool) (located, error) {
	entry, err := tree.FindEntry(path)
	if err != nil || entry.Mode == filemode.Dir {
		return located{}, nil //nolint:nilerr // no entry, or a directory: no file at path
	}
	v, err := r.entryVersion(tree, path, entry.Mode, entry.Hash.String(), withContent)
	return located{version: v, hash: entry.Hash.String()}, err
}

// entryVersion reads a tree entry's version.
func (r reader) entryVersion(tree *object.Tree, path string, m filemode.FileMode, hash string, withContent bool) (*Version, error) {
	mode, ok := modeOf(m)
	if !ok {
		return nil, fmt.Errorf("%s: unsupported git file mode %s", path, m)
	}
	if mode == Submodule {
		return &Version{Mode: mode, Size: int64(len(hash)), Content: &hash}, nil
	}
	file, err := tree.File(path)
	if err != nil {
		return nil, fmt.Errorf("%s: reading from the tree: %w", path, err)
	}
	v := &Version{Mode: mode, Size: file.Size}
	if !withContent && mode != Symlink {
		return v, nil
	}
	data, err := r.read(path, file)
	if err != nil {
		return nil, err
	}
	v.Binary = isBinary(data)
	if !v.Binary {
		text := string(data)
		if err := r.checkYAML(path, text); err != nil {
			return nil, err
		}
		v.Content = &text
	}
	return v, nil
}

// checkYAML refuses text whose YAML expands past the bounds: the rules parse
// every text they read as YAML (image tags), and YAML's aliases expand a few
// KiB into millions of nodes. Text that is not YAML is the rules' to ignore.
func (r reader) checkYAML(path, text string) error {
	_, err := decode.MeasureYAML(text, r.maxFileNodes, r.maxFileDepth)
	switch {
	case errors.Is(err, decode.ErrTooManyNodes):
		return fmt.Errorf("%s: its YAML holds more than promotion.maxFileNodes (%d) nodes of the cluster config, aliases counted as what they expand to", path, r.maxFileNodes)
	case errors.Is(err, decode.ErrTooDeep):
		return fmt.Errorf("%s: its YAML nests deeper than promotion.maxFileDepth (%d) of the cluster config, aliases expanded", path, r.maxFileDepth)
	}
	return nil
}

// read reads a blob's bytes, refusing one over the size bound before reading it.
func (r reader) read(path string, file *object.File) ([]byte, error) {
	if file.Size > int64(r.maxFileBytes) {
		return nil, fmt.Errorf("%s: %d bytes, more than promotion.maxFileBytes (%d) of the cluster config", path, file.Size, r.maxFileBytes)
	}
	rc, err := file.Reader()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(r.maxFileBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// isBinary says whether content is not text: a NUL byte, as git decides, or
// bytes that are not UTF-8, which no YAML file holds.
func isBinary(data []byte) bool {
	return bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data)
}

// sameFile says whether two files are the same: both absent, or the same
// mode and the same object (so the same bytes).
func sameFile(a, b located) bool {
	if a.version == nil || b.version == nil {
		return a.version == nil && b.version == nil
	}
	return a.version.Mode == b.version.Mode && a.hash == b.hash
}
