# kubelab in a container: builds the server and the browser bundle, ships a small runtime image.
# Not built in our CI (no Docker engine there); scripts/run is the tested path.
FROM rust:1.95-bookworm AS build
RUN rustup target add wasm32-unknown-unknown \
 && apt-get update && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ENV KUBELAB_CACHE=/cache CARGO_TARGET_DIR=/cache/target KUBELAB_SKIP_BENCH_TOOLS=1
# install-tools also fetches Chromium for tests; the image only needs the build tools.
RUN cargo install wasm-bindgen-cli --version "=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)" --root /cache/tools \
 && npm install --prefix /cache/tools binaryen@132 \
 && PATH=/cache/tools/bin:/cache/tools/node_modules/.bin:$PATH scripts/build-site \
 && cargo build --release -p kubelab \
 && mkdir -p /out && cp /cache/target/release/kubelab /out/ && cp -r /cache/target/site /out/site

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* && useradd --system --home /app kubelab
WORKDIR /app
COPY --from=build /out/kubelab /usr/local/bin/kubelab
COPY --from=build /out/site /app/site
COPY content /app/content
RUN mkdir -p /app/data && chown kubelab /app/data
USER kubelab
# The SQLite file lives in a volume; set DATABASE_URL=postgres://… to run several replicas.
VOLUME /app/data
ENV KUBELAB_ADDR=0.0.0.0:3000 KUBELAB_CONTENT=/app/content KUBELAB_SITE_ROOT=/app/site KUBELAB_LOG_FORMAT=json \
    DATABASE_URL=sqlite:///app/data/kubelab.db
EXPOSE 3000
CMD ["kubelab", "serve"]
