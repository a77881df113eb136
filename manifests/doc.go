// Package manifests reads rendered manifests: files, directories or stdin,
// any YAML stream, its documents in block YAML or JSON (such as `helm
// template` or `jsonnet -y` output, "..." end markers included), and JSON
// files of one value, an array or concatenated values, a document at a time,
// each with the file, number and line it starts at. A document that cannot
// be read is a ParseError at its line, and the reader goes on with the next.
package manifests
