#!/usr/bin/env bash
# Prints the directory of a Go module, downloading it first when the module cache
# lacks it. `go list -m -f '{{.Dir}}'` prints nothing for a module not yet
# downloaded, which on a new machine turned paths into "/config/...".
#
# Usage: module-dir.sh MODULE[@VERSION]   (no version: go.mod's)
set -euo pipefail

dir=$(go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "module-dir.sh: no directory for module $1" >&2
  exit 1
fi
echo "$dir"
