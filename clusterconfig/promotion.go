package clusterconfig

import (
	"fmt"

	"github.com/gobwas/glob"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Promotion says what `tenantguard changes` guards in the platform
// repository: production changes only by promoting what staging runs, and the
// files only automation writes (docs/changes.md).
type Promotion struct {
	// ProtectedFiles are the globs of the files only automation writes,
	// matched against a file's path inside its environment directory ("/"
	// separates, "*" stays inside one directory, "**" crosses them). Defaults
	// to values-images.yaml at any depth of every environment directory.
	ProtectedFiles []string `json:"protectedFiles"`
	// AutomationIdentities are the actors (the user names the git host
	// reports for a pull request's author, given with `tenantguard changes
	// --actor`) trusted to change protected files. Defaults to
	// github-actions[bot], the author of GitHub Actions' automated pull requests.
	AutomationIdentities []string `json:"automationIdentities"`
	// MaxChangedFiles is the most files one change set may touch; a larger
	// one is refused, never judged in part. Defaults to 2000.
	MaxChangedFiles int `json:"maxChangedFiles"`
	// MaxFileBytes is the largest file, in bytes, whose content is read: a
	// changed file in an environment directory, a staging counterpart, a
	// symlink's target. A larger one is refused naming this key. Defaults to
	// 1 MiB.
	MaxFileBytes int `json:"maxFileBytes"`
	// MaxFileNodes is the most YAML nodes a file whose content is read may
	// hold, every alias counted as the nodes it expands to: the rules parse
	// such files as YAML, and a few KiB of anchors and aliases expand to
	// millions of nodes. A file past it is refused naming this key. Defaults
	// to 200,000, more than a file of 1 MiB holds without aliases at 5 bytes a
	// node.
	MaxFileNodes int `json:"maxFileNodes"`
	// MaxFileDepth is the deepest nesting of such a file's YAML, aliases
	// expanded. Defaults to 100.
	MaxFileDepth int `json:"maxFileDepth"`
}

// DefaultPromotion is the promotion section used when the cluster config sets none.
func DefaultPromotion() Promotion {
	return Promotion{
		ProtectedFiles:       []string{"values-images.yaml", "**/values-images.yaml"},
		AutomationIdentities: []string{"github-actions[bot]"},
		MaxChangedFiles:      2000,
		MaxFileBytes:         1 << 20,
		MaxFileNodes:         200000,
		MaxFileDepth:         100,
	}
}

// Bounds of the promotion limits: a change set must hold at least one file
// and a file at least a line; the upper bounds keep one run's memory within
// what a CI runner has.
const (
	maxChangedFilesCeiling = 100000
	maxFileBytesCeiling    = 64 << 20
)

func (p Promotion) validate(path *field.Path) field.ErrorList {
	errs := nonEmptyStrings(p.ProtectedFiles, path.Child("protectedFiles"), false)
	for i, pattern := range p.ProtectedFiles {
		// The rule matches with Rego's glob.match, which compiles with the
		// same library and separator: a pattern valid here is valid there.
		if _, err := glob.Compile(pattern, '/'); pattern != "" && err != nil {
			errs = append(errs, field.Invalid(path.Child("protectedFiles").Index(i), pattern, fmt.Sprintf("not a glob: %v", err)))
		}
	}
	errs = append(errs, nonEmptyStrings(p.AutomationIdentities, path.Child("automationIdentities"), false)...)
	for _, bound := range []struct {
		name               string
		value, least, most int
	}{
		{"maxChangedFiles", p.MaxChangedFiles, 1, maxChangedFilesCeiling},
		{"maxFileBytes", p.MaxFileBytes, 64, maxFileBytesCeiling},
		{"maxFileNodes", p.MaxFileNodes, 64, maxFileBytesCeiling},
		{"maxFileDepth", p.MaxFileDepth, 8, 10000},
	} {
		if bound.value < bound.least || bound.value > bound.most {
			errs = append(errs, field.Invalid(path.Child(bound.name), bound.value,
				fmt.Sprintf("must be between %d and %d", bound.least, bound.most)))
		}
	}
	return errs
}
