// Package offline runs the webhook's pipeline on rendered manifests instead of
// admission requests: it reads files, directories or stdin (any YAML stream,
// its documents in block YAML or JSON, such as `helm template` or `jsonnet -y`
// output, and JSON files), evaluates each document with the same Rego rule
// set, and reports the findings in every format, with each document it could
// not judge as an error in its place. `tenantguard eval` is its command line.
package offline
