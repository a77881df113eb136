# syntax=docker/dockerfile:1
# tenantguard's image: a static binary on distroless, non-root. The policies are
# embedded in the binary (go:embed), so nothing else is copied.
# `make image` runs this file's `go build` line without Docker, once per
# platform, and assembles the same image (on an empty base) with cmd/build-image.

FROM --platform=$BUILDPLATFORM golang:1.26.8 AS build
ARG TARGETOS=linux
ARG TARGETARCH
ARG VERSION=dev
ARG REVISION=
ARG OUT=/out
WORKDIR /src
# Modules first, so that a source change reuses the cached download layer.
COPY go.mod go.sum ./
RUN go mod download
COPY cmd/ cmd/
COPY api/ api/
COPY clusterconfig/ clusterconfig/
COPY engine/ engine/
COPY metrics/ metrics/
COPY manifests/ manifests/
COPY report/ report/
COPY eval/ eval/
COPY webhook/ webhook/
COPY policies/ policies/
COPY supervisor/ supervisor/
COPY audit/ audit/
COPY changes/ changes/
COPY exceptions/ exceptions/
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath -buildvcs=false -ldflags="-s -w -X main.version=${VERSION} -X main.commit=${REVISION}" -o ${OUT}/tenantguard ./cmd/tenantguard

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
ARG REVISION=
ARG SOURCE=https://github.com/tenantguard/tenantguard
ARG LICENSES=Apache-2.0
LABEL org.opencontainers.image.title=tenantguard \
      org.opencontainers.image.source=${SOURCE} \
      org.opencontainers.image.revision=${REVISION} \
      org.opencontainers.image.version=${VERSION} \
      org.opencontainers.image.licenses=${LICENSES}
COPY --from=build /out/tenantguard /tenantguard
USER 65532:65532
ENTRYPOINT ["/tenantguard"]
CMD ["serve"]
