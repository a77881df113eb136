// Package manifests reads rendered manifests: files, directories or stdin,
// multi-document YAML or JSON streams (such as `helm template` output), a
// document at a time, each with the file, number and line it starts at.
package manifests
