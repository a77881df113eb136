package changes

// The input contract of the change-set rules, written by `tenantguard changes
// --print-input` and read by conftest as well: docs/changes.md documents it
// field by field. Field names are the JSON keys the rules read.

// ChangeSetKind is the kind every change set carries, so that a reader of the
// JSON (conftest, a person) can tell it from a manifest.
const ChangeSetKind = "ChangeSet"

// Status says what a change did to a file.
type Status string

const (
	// Added is a file the change creates.
	Added Status = "added"
	// Modified is a file whose content or mode the change alters.
	Modified Status = "modified"
	// Deleted is a file the change removes.
	Deleted Status = "deleted"
	// Renamed is a file the change moves (its content possibly altered too).
	Renamed Status = "renamed"
)

// Mode is the kind of a git tree entry.
type Mode string

const (
	// Regular is a plain file.
	Regular Mode = "file"
	// Executable is a file with the executable bit.
	Executable Mode = "executable"
	// Symlink is a symbolic link; its content is the link's target.
	Symlink Mode = "symlink"
	// Submodule is a commit of another repository (a gitlink); its content is the commit id.
	Submodule Mode = "submodule"
)

// ChangeSet is what a pull request changes: every file that differs between
// the merge base of Base and Head, and Head.
type ChangeSet struct {
	// Kind is always ChangeSetKind.
	Kind string `json:"kind"`
	// Base and Head are the refs compared and the commits they named.
	Base Commit `json:"base"`
	Head Commit `json:"head"`
	// MergeBase is the commit the change is measured from: the best common
	// ancestor of Base and Head.
	MergeBase string `json:"mergeBase"`
	// Actor is who made the change, as the git host names them ("" when unknown).
	Actor string `json:"actor"`
	// Files are the changed files, sorted by path.
	Files []File `json:"files"`
}

// Commit is a ref and the commit it resolved to.
type Commit struct {
	Ref    string `json:"ref"`
	Commit string `json:"commit"`
}

// File is one changed file.
type File struct {
	// Path is the file's path at Head ("/"-separated, from the repository
	// root); for a deleted file, its path at the merge base.
	Path string `json:"path"`
	// OldPath is the path at the merge base of a renamed file; empty otherwise.
	OldPath string `json:"oldPath,omitempty"`
	// Status is added, modified, deleted or renamed.
	Status Status `json:"status"`
	// Environment names the environment (a key of the cluster config's
	// environments) whose directory holds Path; "" when none does.
	Environment string `json:"environment"`
	// OldEnvironment is the environment of OldPath, for a renamed file.
	OldEnvironment string `json:"oldEnvironment,omitempty"`
	// Old is the file at the merge base; null for an added file.
	Old *Version `json:"old"`
	// New is the file at Head; null for a deleted file.
	New *Version `json:"new"`
	// Staging is the staging counterpart of Path, when Path lies in the
	// production directory; null otherwise.
	Staging *Counterpart `json:"staging,omitempty"`
	// OldStaging is the staging counterpart of OldPath, when a renamed file
	// left the production directory's OldPath; null otherwise.
	OldStaging *Counterpart `json:"oldStaging,omitempty"`
}

// Version is one side of a changed file.
type Version struct {
	// Mode is file, executable, symlink or submodule.
	Mode Mode `json:"mode"`
	// Size is the content's size in bytes.
	Size int64 `json:"size"`
	// Binary says the content is not UTF-8 text (or holds a NUL byte).
	Binary bool `json:"binary"`
	// Content is the text, present only for text files inside an
	// environment directory, their staging counterparts, and symlinks (their
	// target) and submodules (the commit id) anywhere.
	Content *string `json:"content,omitempty"`
}

// Counterpart is the staging file a production file must equal after the change.
type Counterpart struct {
	// Path is the same path under the staging directory.
	Path string `json:"path"`
	// Head is the staging file at Head; null when it does not exist.
	Head *Version `json:"head"`
	// Base is the staging file at the merge base; null when it did not exist.
	Base *Version `json:"base"`
	// Equal says the production path after the change equals Head: the same
	// mode and bytes, or both absent.
	Equal bool `json:"equal"`
}
