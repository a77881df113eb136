# syntax=docker/dockerfile:1
# tenantguard's image: a static binary on distroless, non-root. The policies are
# embedded in the binary (go:embed), so nothing else is copied.
# `make docker-build-stage` runs this file's `go build` line without Docker.

FROM --platform=$BUILDPLATFORM golang:1.26.8 AS build
ARG TARGETOS=linux
ARG TARGETARCH
ARG VERSION=dev
ARG OUT=/out
WORKDIR /src
# Modules first, so that a source change reuses the cached download layer.
COPY go.mod go.sum ./
RUN go mod download
COPY cmd/ cmd/
COPY webhook/ webhook/
COPY policies/ policies/
COPY supervisor/ supervisor/
COPY audit/ audit/
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o ${OUT}/tenantguard ./cmd/tenantguard

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/tenantguard /tenantguard
USER 65532:65532
ENTRYPOINT ["/tenantguard"]
CMD ["serve"]
