package policies_test

import (
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxLineLength is the longest a line of a policy may be, in characters (a
// tab is one). Tests may hold longer lines: the reviews they build.
const maxLineLength = 120

// namespaces are the folders whose package is named for the namespace a
// runner asks rather than for the folder: conftest asks package main by
// default and package changes with --namespace changes.
var namespaces = map[string]string{
	"conftest":         "main",
	"conftest/changes": "changes",
}

// A newcomer finds a package by its name: every Rego file's package path is
// its folder's path under policies/, which is tenantguard (a test file's is
// that package's name with _test), conftest's entry points excepted.
func TestEveryPackageLivesInTheFolderItsPathSays(t *testing.T) {
	files := regoFiles(t)
	for _, name := range files {
		src, err := fs.ReadFile(os.DirFS("."), name)
		require.NoError(t, err)
		m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
		require.NoError(t, err)
		got := strings.TrimPrefix(m.Package.Path.String(), "data.")
		want := wantPackage(path.Dir(name))
		if strings.HasSuffix(name, "_test.rego") {
			want += "_test"
		}
		assert.Equal(t, want, got, "%s: the package of a file under %s/", name, path.Dir(name))
	}
}

// wantPackage is the package path of the files of dir, a folder under policies/.
func wantPackage(dir string) string {
	if ns, ok := namespaces[dir]; ok {
		return ns
	}
	if dir == "." {
		return "tenantguard"
	}
	return "tenantguard." + strings.ReplaceAll(dir, "/", ".")
}

// Policies are read on a screen and in a side-by-side diff: no line of a
// policy passes maxLineLength characters.
func TestNoPolicyLinePassesTheLineLength(t *testing.T) {
	for _, name := range regoFiles(t) {
		if strings.HasSuffix(name, "_test.rego") {
			continue
		}
		src, err := fs.ReadFile(os.DirFS("."), name)
		require.NoError(t, err)
		for i, line := range strings.Split(string(src), "\n") {
			if n := utf8.RuneCountInString(line); n > maxLineLength {
				t.Errorf("%s:%d: %d characters, more than %d: break the expression, name a part of it, "+
					"or compose the message from shorter strings", name, i+1, n, maxLineLength)
			}
		}
	}
}

// regoFiles are the .rego files under policies/, tests included.
func regoFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := fs.WalkDir(os.DirFS("."), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(name) == ".rego" {
			files = append(files, name)
		}
		return err
	})
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}
