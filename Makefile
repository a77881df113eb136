# tenantguard's build. Every tool and binary it uses is installed by the targets
# below on a machine that has only Go: tools into bin/, the envtest control plane
# (built from source) into a per-version cache outside the clone.

##@ Versions

OPA_VERSION      ?= v1.22.3
CONFTEST_VERSION ?= v0.71.1
KUBERNETES_VERSION ?= v1.37.2
ETCD_VERSION     ?= v3.6.16
CONTROLLER_GEN_VERSION ?= v0.23.0
GOLANGCI_LINT_VERSION ?= v2.15.0

LOCALBIN  ?= $(CURDIR)/bin
CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/tenantguard
ENVTEST_ASSETS ?= $(CACHE_DIR)/envtest/k8s-$(KUBERNETES_VERSION)-etcd-$(ETCD_VERSION)

OPA      := $(LOCALBIN)/opa-$(OPA_VERSION)
CONFTEST := $(LOCALBIN)/conftest-$(CONFTEST_VERSION)
CONTROLLER_GEN := $(LOCALBIN)/controller-gen-$(CONTROLLER_GEN_VERSION)
GOLANGCI_LINT := $(LOCALBIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

# The folders that hold Go code, for gofmt.
GO_DIRS := api clusterconfig engine metrics manifests report eval webhook supervisor audit changes cmd policies test *.go

# The chart, kustomize and image targets; included here so that their tool
# variables are defined before the rules below name them as prerequisites.
include charts/install.mk

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec
.DEFAULT_GOAL := help

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} \
	  /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2 } \
	  /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: build
build: ## Build bin/tenantguard.
	go build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(LOCALBIN)/tenantguard ./cmd/tenantguard

# Built, then run: interrupted by Ctrl-C, `go run` exits 1 whatever its program does.
.PHONY: run
run: envtest-assets ## Start a local control plane with tenantguard registered, apply config/samples, keep serving.
	mkdir -p $(LOCALBIN) && ln -sf $(ENVTEST_ASSETS)/kubectl $(LOCALBIN)/kubectl
	go build -o $(LOCALBIN)/devcluster ./test/programs/devcluster
	KUBEBUILDER_ASSETS=$(ENVTEST_ASSETS) $(LOCALBIN)/devcluster --write-kubeconfig $(LOCALBIN)/kubeconfig

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Generate the Tenant CRD and deepcopy code from api/; copy the OpenReports CRDs of go.mod's version.
	$(CONTROLLER_GEN) object paths=./api/...
	$(CONTROLLER_GEN) crd paths=./api/... output:crd:artifacts:config=config/crd/bases
	cp config/crd/bases/tenantguard.io_tenants.yaml config/crd/bases/tenantguard.io_policyexceptions.yaml charts/tenantguard/files/
	crds=$$(test/tools/module-dir.sh github.com/openreports/reports-api)/config/crd; \
	install -m 644 $$crds/openreports.io_reports.yaml $$crds/openreports.io_clusterreports.yaml config/audit/crd/
	install -m 644 config/audit/crd/openreports.io_*.yaml charts/tenantguard/files/

.PHONY: fmt
fmt: $(OPA) ## Format Go and Rego sources.
	gofmt -w $(GO_DIRS)
	$(OPA) fmt -w policies

##@ Testing

.PHONY: test
test: verify-generated vet lint policy-test go-test conftest-test chart-test image-test ## Run every check: generated files, vet, golangci-lint, opa, Go unit and envtest tests, conftest, chart, image.

GENERATED := config/crd/bases charts/tenantguard/files/tenantguard.io_tenants.yaml charts/tenantguard/files/tenantguard.io_policyexceptions.yaml api/v1alpha1/zz_generated.deepcopy.go \
	config/audit/crd charts/tenantguard/files/openreports.io_reports.yaml charts/tenantguard/files/openreports.io_clusterreports.yaml

.PHONY: verify-generated
verify-generated: ## Fail when the CRD or deepcopy code is stale (regenerates them).
	@before=$$(find $(GENERATED) -type f | sort | xargs cat | cksum); \
	$(MAKE) --no-print-directory generate >/dev/null; \
	after=$$(find $(GENERATED) -type f | sort | xargs cat | cksum); \
	test "$$before" = "$$after" || { echo "generated files were stale and are now regenerated: review and commit them"; exit 1; }

.PHONY: vet
vet: ## Check Go formatting and run go vet.
	@test -z "$$(gofmt -l $(GO_DIRS))" || { gofmt -l $(GO_DIRS); echo "gofmt: files above need formatting (make fmt)"; exit 1; }
	go vet ./...

.PHONY: lint
lint: $(GOLANGCI_LINT) ## Run golangci-lint with the linters of .golangci.yml.
	$(GOLANGCI_LINT) run ./...

POLICY_COVERAGE ?= 95

.PHONY: policy-test
policy-test: $(OPA) ## opa fmt, opa check --strict, opa test with at least $(POLICY_COVERAGE)% line coverage.
	@test -z "$$($(OPA) fmt -l policies)" || { $(OPA) fmt -l policies; echo "opa fmt: files above need formatting (make fmt)"; exit 1; }
	$(OPA) check --strict policies
	$(OPA) test policies
	@echo "opa test --coverage (at least $(POLICY_COVERAGE)%):"
	@$(OPA) test --coverage --threshold $(POLICY_COVERAGE) policies | grep '"coverage"' | tail -1

.PHONY: go-test
go-test: envtest-assets $(CONFTEST) $(HELM) $(KUSTOMIZE) ## Go tests, end-to-end against a real kube-apiserver included.
	KUBEBUILDER_ASSETS=$(ENVTEST_ASSETS) TENANTGUARD_CONFTEST=$(CONFTEST) TENANTGUARD_HELM=$(HELM) TENANTGUARD_KUSTOMIZE=$(KUSTOMIZE) go test ./...

.PHONY: conftest-test
conftest-test: $(CONFTEST) ## conftest verify and conftest test on the example manifests.
	$(CONFTEST) verify --policy policies
	$(CONFTEST) test --combine --policy policies test/testdata/manifests/clean
	@if $(CONFTEST) test --combine --policy policies test/testdata/manifests/violations >/dev/null; then \
	  echo "conftest passed manifests that break the rules"; exit 1; fi

##@ Tools

.PHONY: tools
tools: $(OPA) $(CONFTEST) $(CONTROLLER_GEN) $(GOLANGCI_LINT) $(HELM) $(KUSTOMIZE) $(CRANE) envtest-assets ## Install every tool and binary the tests use.

$(OPA):
	GOBIN=$(LOCALBIN) go install github.com/open-policy-agent/opa@$(OPA_VERSION)
	mv $(LOCALBIN)/opa $@

$(CONFTEST):
	GOBIN=$(LOCALBIN) go install github.com/open-policy-agent/conftest@$(CONFTEST_VERSION)
	mv $(LOCALBIN)/conftest $@

$(CONTROLLER_GEN):
	GOBIN=$(LOCALBIN) go install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_GEN_VERSION)
	mv $(LOCALBIN)/controller-gen $@

$(GOLANGCI_LINT):
	GOBIN=$(LOCALBIN) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	mv $(LOCALBIN)/golangci-lint $@

.PHONY: envtest-assets
envtest-assets: ## Build kube-apiserver, etcd and kubectl from source into the cache (once per version).
	@test/tools/envtest-binaries.sh $(ENVTEST_ASSETS) $(KUBERNETES_VERSION) $(ETCD_VERSION)
