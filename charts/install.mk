# Install targets: the Helm chart, the kustomize bases and the image. Included from the Makefile, which defines LOCALBIN and VERSION.

##@ Install

HELM_VERSION      ?= v3.22.0
KUSTOMIZE_VERSION ?= v5.8.1
CRANE_VERSION     ?= v0.22.1
HELM      := $(LOCALBIN)/helm-$(HELM_VERSION)
KUSTOMIZE := $(LOCALBIN)/kustomize-$(KUSTOMIZE_VERSION)
CRANE     := $(LOCALBIN)/crane-$(CRANE_VERSION)

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

# The image: its name (the chart's image.repository names the same, a test
# checks it), what it says about itself, and where it is written.
IMAGE_REPO        ?= ghcr.io/tenantguard/tenantguard
# A release tag v1.2.3 tags the image 1.2.3, the chart's appVersion for it.
IMAGE_TAG         ?= $(patsubst v%,%,$(VERSION))
IMG               ?= $(IMAGE_REPO):$(IMAGE_TAG)
IMAGE_PLATFORMS   ?= linux/amd64 linux/arm64
IMAGE_DIR         ?= $(LOCALBIN)/image
IMAGE_SOURCE      ?= https://github.com/tenantguard/tenantguard
# The SPDX identifier of LICENSE; the chart's metadata says the same.
IMAGE_LICENSES    ?= Apache-2.0
REVISION          ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
# Every time in the image is the commit's, so one commit gives one digest.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: docker-build
docker-build: ## Build the container image $(IMG) with a Docker engine (none here: use make image).
	docker build --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) \
	  --build-arg SOURCE=$(IMAGE_SOURCE) --build-arg LICENSES=$(IMAGE_LICENSES) -t $(IMG) .

# The Dockerfile's own `go build` line, run here without Docker (these machines
# have no engine), so that the image built here holds the binary the Dockerfile
# would build: one build line for both.
DOCKER_GO_BUILD = $(shell sed -n 's/^RUN \(CGO_ENABLED=0 .*go build .*\)$$/\1/p' Dockerfile)

.PHONY: image
image: ## Build $(IMG) for $(IMAGE_PLATFORMS) without an engine: OCI layout and docker tarballs in $(IMAGE_DIR).
	@test -n '$(DOCKER_GO_BUILD)' || { echo "no 'RUN CGO_ENABLED=0 ... go build' line in Dockerfile"; exit 1; }
	@echo '$(DOCKER_GO_BUILD)'
	@for platform in $(IMAGE_PLATFORMS); do \
	  echo "  $$platform"; \
	  TARGETOS=$${platform%/*} TARGETARCH=$${platform#*/} VERSION=$(VERSION) REVISION=$(REVISION) \
	    OUT=$(IMAGE_DIR)/$${platform/\//-} bash -ec '$(DOCKER_GO_BUILD)'; \
	done
	go run ./cmd/build-image -out $(IMAGE_DIR) -ref $(IMG) \
	  $(foreach p,$(IMAGE_PLATFORMS),-binary $(p)=$(IMAGE_DIR)/$(subst /,-,$(p))/tenantguard) \
	  -source $(IMAGE_SOURCE) -revision $(REVISION) -version $(VERSION) -licenses $(IMAGE_LICENSES) \
	  -created $(SOURCE_DATE_EPOCH) | tee $(IMAGE_DIR)/reference

# A second build from scratch, compared with the first by the test.
IMAGE_REBUILD_DIR ?= $(LOCALBIN)/image-rebuilt

.PHONY: image-test
image-test: image $(CRANE) ## Build the image twice and check it: platforms, user, entrypoint, labels, the binary runs, same digest, crane push.
	@$(MAKE) --no-print-directory image IMAGE_DIR=$(IMAGE_REBUILD_DIR) >/dev/null
	TENANTGUARD_IMAGE_DIR=$(IMAGE_DIR) TENANTGUARD_IMAGE_REBUILD_DIR=$(IMAGE_REBUILD_DIR) TENANTGUARD_CRANE=$(CRANE) \
	  go test -count=1 ./test/e2e/image
	rm -rf $(IMAGE_REBUILD_DIR)

$(HELM):
	GOBIN=$(LOCALBIN) go install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)
	mv $(LOCALBIN)/helm $@

$(KUSTOMIZE):
	GOBIN=$(LOCALBIN) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
	mv $(LOCALBIN)/kustomize $@

$(CRANE):
	GOBIN=$(LOCALBIN) go install github.com/google/go-containerregistry/cmd/crane@$(CRANE_VERSION)
	mv $(LOCALBIN)/crane $@
