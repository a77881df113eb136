# Install targets: the Helm chart, the kustomize bases and the image's build
# stage. Included from the Makefile, which defines LOCALBIN and VERSION.

##@ Install

HELM_VERSION      ?= v3.22.0
KUSTOMIZE_VERSION ?= v5.8.1
HELM      := $(LOCALBIN)/helm-$(HELM_VERSION)
KUSTOMIZE := $(LOCALBIN)/kustomize-$(KUSTOMIZE_VERSION)
IMG       ?= ghcr.io/tenantguard/tenantguard:$(VERSION)

CHART := charts/tenantguard
# A go-installed helm assumes Kubernetes v1.20, below the chart's kubeVersion.
HELM_KUBE_VERSION ?= v1.37.2

.PHONY: chart-test
chart-test: $(HELM) $(KUSTOMIZE) ## helm lint and helm template (default and non-default values), kustomize build of config/.
	$(HELM) lint --strict $(CHART)
	$(HELM) lint --strict $(CHART) --values $(CHART)/ci/custom-values.yaml
	$(HELM) template tenantguard $(CHART) -n tenantguard-system --kube-version $(HELM_KUBE_VERSION) >/dev/null
	$(HELM) template tg $(CHART) -n guard --kube-version $(HELM_KUBE_VERSION) --values $(CHART)/ci/custom-values.yaml >/dev/null
	$(HELM) template tenantguard $(CHART) -n tenantguard-system --kube-version $(HELM_KUBE_VERSION) --set audit.enabled=true --set grafanaDashboard.enabled=true >/dev/null
	for base in crd rbac manager webhook certmanager default default-audit samples; do $(KUSTOMIZE) build config/$$base >/dev/null; done

.PHONY: docker-build
docker-build: ## Build the container image $(IMG) (needs a Docker engine).
	docker build --build-arg VERSION=$(VERSION) -t $(IMG) .

# The Dockerfile's own `go build` line, run here without Docker (these machines
# have no engine), so that `make test` proves the build stage works and yields a
# static binary for the distroless base.
DOCKER_GO_BUILD = $(shell sed -n 's/^RUN \(CGO_ENABLED=0 .*go build .*\)$$/\1/p' Dockerfile)

.PHONY: docker-build-stage
docker-build-stage: ## Run the Dockerfile's go build into a temp dir and check the binary is static.
	@test -n '$(DOCKER_GO_BUILD)' || { echo "no 'RUN CGO_ENABLED=0 ... go build' line in Dockerfile"; exit 1; }
	@out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT; \
	echo '$(DOCKER_GO_BUILD)'; \
	TARGETOS=linux TARGETARCH=$$(go env GOARCH) VERSION=$(VERSION) OUT=$$out bash -ec '$(DOCKER_GO_BUILD)'; \
	go version -m $$out/tenantguard | grep -q 'CGO_ENABLED=0' || { echo "binary built with cgo"; exit 1; }; \
	go version -m $$out/tenantguard | grep -q -- '-trimpath=true' || { echo "binary built without -trimpath"; exit 1; }; \
	TENANTGUARD_IMAGE_BINARY=$$out/tenantguard go test -count=1 ./test/image

$(HELM):
	GOBIN=$(LOCALBIN) go install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)
	mv $(LOCALBIN)/helm $@

$(KUSTOMIZE):
	GOBIN=$(LOCALBIN) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
	mv $(LOCALBIN)/kustomize $@
