# syntax=docker/dockerfile:1
# kubelab in a container: builds the server and the browser bundle, ships a small runtime image
# (the binary, site/, content/ and CA certificates; a numeric non-root user; no shell tools added).
# Tested by scripts/test-image (build with cache mounts, run, restart with the volume, PostgreSQL).
#   docker build -t kubelab .
#   docker run -p 127.0.0.1:3000:3000 -v kubelab-data:/app/data kubelab
# Behind a TLS-intercepting proxy, hand its CA bundle to the build:
#   docker build --secret id=build-ca,src=/etc/ssl/certs/ca-certificates.crt -t kubelab .
FROM rust:1.95-bookworm AS build
# Debian's nodejs and npm as they come with bookworm's security updates: not pinned to a version.
# hadolint ignore=DL3008
RUN rustup target add wasm32-unknown-unknown \
 && apt-get update && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The same scripts as on a laptop: install-tools --run (wasm-bindgen-cli, wasm-opt), build-site.
# Their caches (tools, target dir), cargo's registry and npm's cache are cache mounts: a rebuild
# after a source change compiles only the workspace crates.
ENV KUBELAB_CACHE=/cache CARGO_TARGET_DIR=/cache/target
COPY . .
# A build secret `build-ca` (a CA bundle), when given, is what cargo and npm trust.
RUN --mount=type=cache,id=kubelab-cache,target=/cache,sharing=locked \
    --mount=type=cache,id=kubelab-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,id=kubelab-npm,target=/root/.npm,sharing=locked \
    --mount=type=secret,id=build-ca \
    if [ -s /run/secrets/build-ca ]; then \
      export CARGO_HTTP_CAINFO=/run/secrets/build-ca NODE_EXTRA_CA_CERTS=/run/secrets/build-ca; \
    fi \
 && scripts/install-tools --run \
 && scripts/build-site \
 && cargo build --release --locked -p kubelab \
 && mkdir -p /out/data \
 && strip -o /out/kubelab /cache/target/release/kubelab \
 && cp -r /cache/target/site /out/site

FROM debian:bookworm-slim
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/kubelab /usr/local/bin/kubelab
COPY --from=build /out/site /app/site
COPY content /app/content
COPY --from=build --chown=10001:10001 /out/data /app/data
WORKDIR /app
# Numeric, so that a cluster's runAsNonRoot can verify it; it owns only /app/data.
USER 10001:10001
# The SQLite file lives in this volume; set DATABASE_URL=postgres://… to run several replicas.
VOLUME /app/data
ENV KUBELAB_ADDR=0.0.0.0:3000 KUBELAB_CONTENT=/app/content KUBELAB_SITE_ROOT=/app/site KUBELAB_LOG_FORMAT=json \
    DATABASE_URL=sqlite:///app/data/kubelab.db
EXPOSE 3000
CMD ["kubelab", "serve"]
