// Package policies holds tenantguard's Rego policies and embeds them into the
// binary, so that `tenantguard serve` and `tenantguard eval` run the very files
// that `opa test` and `conftest test` run.
//
// The layout is one Rego package per directory, whose package path is its
// path (policies/ itself being tenantguard):
//
//	lib/       helpers shared by the rules (reading Applications, building violations)
//	rules/     rules/<kind>/<id>/, one directory per rule, rule.rego beside rule_test.rego
//	main/      the entry point that collects findings and settles their enforcement
//	conftest/  package main (conftest's namespace), which maps a rendered manifest into the review input
package policies

import "embed"

// FS is the default policy bundle: every Rego file under this directory, tests included.
// Loaders skip the _test.rego files.
//
//go:embed lib main conftest rules
var FS embed.FS
