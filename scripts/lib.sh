# Shared settings for kubelab's scripts. Source it; don't run it.
# Every cache lives outside the clone so a fresh clone (CI) reuses earlier builds.

KUBELAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KUBELAB_CACHE="${KUBELAB_CACHE:-$HOME/.cache/kubelab}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$KUBELAB_CACHE/target}"
KUBELAB_TOOLS="$KUBELAB_CACHE/tools"
export PATH="$KUBELAB_TOOLS/bin:$KUBELAB_TOOLS/node_modules/.bin:$HOME/.cargo/bin:/usr/local/go/bin:$PATH"
# Where the built site (WASM, JS, CSS) lands; the server serves it from here.
export KUBELAB_SITE_ROOT="${KUBELAB_SITE_ROOT:-$CARGO_TARGET_DIR/site}"

# CI builds every clone from a new path, so incremental caches of the workspace crates are never
# reused there and only fill the disk.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

log() { printf '\033[1m[kubelab]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[kubelab] error:\033[0m %s\n' "$*" >&2; exit 1; }

# phase NAME CMD...: runs a step and prints how long it took, so a slow phase is visible in CI logs.
phase() {
  local name="$1"; shift
  local start=$SECONDS
  log "▶ $name"
  local rc=0
  "$@" || rc=$?
  if [ $rc -eq 0 ]; then
    log "◀ $name: $((SECONDS - start))s"
  else
    log "✗ $name FAILED after $((SECONDS - start))s (exit $rc)"
  fi
  return $rc
}

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$KUBELAB_ROOT/Cargo.lock"
}

# Each clone builds the workspace crates under a new path, so their old artifacts (several GB of
# debug binaries per clone) are never reused: drop those older than a day. Registry crates stay.
prune_stale_builds() {
  local deps="$CARGO_TARGET_DIR/debug/deps"
  [ -d "$deps" ] || return 0
  local names=(kubelab libkubelab catalog cluster offline verdict_schema cli cluster_checks store content_manifests smoke)
  local args=()
  for n in "${names[@]}"; do args+=(-o -name "$n-*"); done
  find "$deps" -maxdepth 1 -type f \( -false "${args[@]}" \) -mmin +1440 -delete
  rm -rf "$CARGO_TARGET_DIR/debug/incremental"
}
