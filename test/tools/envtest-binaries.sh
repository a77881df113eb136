#!/usr/bin/env bash
# Builds the envtest control plane (kube-apiserver, etcd) and kubectl from the Go module
# proxy, because release downloads cannot be reached from build machines. The result is
# cached per version outside the clone, so later clones and CI runs reuse it.
#
# Usage: envtest-binaries.sh DIR KUBERNETES_VERSION ETCD_VERSION
set -euo pipefail

dir=$1 k8s=$2 etcd=$3
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# kube-apiserver and kubectl: k8s.io/kubernetes replaces its staging modules with local
# directories, so a throwaway module pins each of them to the published v0.x release.
build_kubernetes() {
  local mod="$work/kubernetes" staging="v0.${k8s#v1.}"
  mkdir -p "$mod" && cd "$mod"
  go mod init tenantguard.local/kubernetes-build >/dev/null 2>&1
  go mod edit -require="k8s.io/kubernetes@$k8s"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$k8s" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  sed -n '/^replace (/,/^)/p' "$gomod" | awk '/=>/ {print $1}' | while read -r m; do
    go mod edit -replace="$m=$m@$staging"
  done
  printf 'package tools\nimport (\n_ "k8s.io/kubernetes/cmd/kube-apiserver"\n_ "k8s.io/kubernetes/cmd/kubectl"\n)\n' >tools.go
  go mod tidy >/dev/null
  go build -trimpath -ldflags='-s -w' -o "$dir/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  go build -trimpath -ldflags='-s -w' -o "$dir/kubectl" k8s.io/kubernetes/cmd/kubectl
}

build_etcd() {
  local mod="$work/etcd"
  mkdir -p "$mod" && cd "$mod"
  go mod init tenantguard.local/etcd-build >/dev/null 2>&1
  printf 'package tools\nimport _ "go.etcd.io/etcd/server/v3"\n' >tools.go
  go mod edit -require="go.etcd.io/etcd/server/v3@$etcd"
  go mod tidy >/dev/null
  go build -trimpath -ldflags='-s -w' -o "$dir/etcd" go.etcd.io/etcd/server/v3
}

[ -x "$dir/etcd" ] || build_etcd
[ -x "$dir/kube-apiserver" ] && [ -x "$dir/kubectl" ] || build_kubernetes
