// Package tenantguard holds no code: its test, layers_test.go, holds the
// import rule of the tree that docs/architecture.md draws. Imports run one
// way, from the top down:
//
//	cmd/                                           the binaries; flags and assembly
//	webhook/  eval/  supervisor/  audit/  changes/ the runners, which never import each other
//	engine/   report/  manifests/                  the decision every runner asks; results; input
//	api/      clusterconfig/  metrics/  policies/  the Tenant API, the cluster config, metrics, Rego
//
// test/ may import anything.
package tenantguard
