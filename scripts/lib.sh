# shellcheck shell=bash
# Shared settings and helpers for kubelab's scripts. Source it, don't run it; every script starts
#   set -euo pipefail
#   . "$(dirname "$0")/lib.sh"
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
if [[ -n "${CI:-}" ]]; then export CARGO_INCREMENTAL=0; fi

# ---------------------------------------------------------------- messages

# Progress and errors go to stderr (stdout is for what a script prints for eval or a report), as
# "[kubelab] ...". A script that runs inside others sets log_tag (scripts/sandbox: "sandbox").
log_tag="kubelab"
log() { printf '\033[1m[%s]\033[0m %s\n' "$log_tag" "$*" >&2; }
error() { printf '\033[31m[%s] error:\033[0m %s\n' "$log_tag" "$*" >&2; }
die() {
  error "$@"
  exit 1
}

# help_from_header: prints the script's header comment (the `#` lines after the shebang), for
# scripts whose header is their usage:  case "${1:-}" in -h | --help) help_from_header; exit 0 ;; esac
help_from_header() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }

# no_args "$@": for scripts that take no arguments: -h or --help prints the header comment and
# exits; any other argument is a usage error (exit 2).
no_args() {
  (($# == 0)) && return
  if [[ $# -eq 1 && ("$1" == -h || "$1" == --help) ]]; then
    help_from_header
    exit 0
  fi
  help_from_header >&2
  exit 2
}

# phase NAME CMD...: runs a step and prints how long it took, so a slow phase is visible in CI logs.
phase() {
  local name="$1"
  shift
  local start=$SECONDS rc=0
  log "▶ $name"
  "$@" || rc=$?
  if ((rc == 0)); then
    log "◀ $name: $((SECONDS - start))s"
  else
    log "✗ $name FAILED after $((SECONDS - start))s (exit $rc)"
  fi
  return "$rc"
}

# ---------------------------------------------------------------- waiting

# Scripts wait for something by polling it with a deadline, never with a fixed sleep.

# wait_until SECONDS CMD...: runs CMD every $wait_every seconds (default 0.2) until it succeeds;
# returns 1 if it has not succeeded within SECONDS. The caller says what timed out:
#   wait_until 60 ready || die "PostgreSQL did not accept connections within 60s"
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep "${wait_every:-0.2}"
  done
}

# http_ok URL: whether URL answers 2xx or 3xx within 2 s.
http_ok() {
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" 2>/dev/null
}

# wait_http URL [SECONDS [PID]]: polls URL until it answers (2xx/3xx), for at most SECONDS (default
# 30). With PID (the server's), gives up as soon as that process has exited. Returns 1 with an
# error message when it gives up; the caller may show the server's log and die.
wait_http() {
  local url="$1" secs="${2:-30}" pid="${3:-}"
  local deadline=$((SECONDS + secs))
  until http_ok "$url"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      error "process $pid exited before $url answered"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      error "$url did not answer within ${secs}s"
      return 1
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------- processes and ports

# free_port: prints a TCP port on 127.0.0.1 that is free now (the kernel's pick).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# stop_pids PID...: stops background processes this script started (SIGTERM, then waits for them);
# for cleanup traps, so it never fails.
stop_pids() {
  local pid
  for pid in "$@"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

# ---------------------------------------------------------------- builds

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$KUBELAB_ROOT/Cargo.lock"
}

# Each clone builds the workspace crates under a new path, so their old artifacts (several GB of
# debug binaries per clone) are never reused: drop those older than a day. Registry crates stay.
prune_stale_builds() {
  local deps="$CARGO_TARGET_DIR/debug/deps"
  [[ -d "$deps" ]] || return 0
  local names=(kubelab libkubelab catalog cluster offline verdict_schema cli cluster_checks store content_manifests smoke)
  local args=() n
  for n in "${names[@]}"; do args+=(-o -name "$n-*"); done
  find "$deps" -maxdepth 1 -type f \( -false "${args[@]}" \) -mmin +1440 -delete
  rm -rf "$CARGO_TARGET_DIR/debug/incremental"
  # A full disk fails a build halfway with "No space left on device" (seen on a CI run): when less
  # than KUBELAB_MIN_FREE_GB is left, drop the whole target dir and build from cold instead.
  local free_gb
  free_gb=$(df -Pk "$CARGO_TARGET_DIR" | awk 'NR == 2 { print int($4 / 1048576) }')
  if ((free_gb < ${KUBELAB_MIN_FREE_GB:-15})); then
    log "only ${free_gb} GB free: removing $CARGO_TARGET_DIR (a cold build needs about 10 GB)"
    rm -rf "$CARGO_TARGET_DIR"
    free_gb=$(df -Pk "$KUBELAB_CACHE" | awk 'NR == 2 { print int($4 / 1048576) }')
    ((free_gb >= 8)) || die "only ${free_gb} GB free on the disk of $KUBELAB_CACHE: a build needs about 10 GB"
  fi
}

# wasm_bundle DIR NAME CARGO-FEATURE-ARGS...: builds the frontend's WASM with those features
# (size-first profile) into DIR/NAME.js and DIR/NAME_bg.wasm, optimised.
wasm_bundle() {
  local dir="$1" name="$2"
  shift 2
  cargo build -q -p kubelab-frontend --lib --target wasm32-unknown-unknown --profile wasm-release "$@"
  wasm-bindgen --target web --no-typescript --out-dir "$dir" --out-name "$name" \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/kubelab_frontend.wasm"
  # The features rustc's wasm32 target emits by default; wasm-opt must accept them to optimise.
  wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$dir/${name}_bg.wasm" "$dir/${name}_bg.wasm"
}

# release_kubelab: prints the path of the kubelab binary a benchmark runs: $KUBELAB_BIN when set
# (a build made elsewhere; numbers that go into BENCHMARKS.md come from release builds), else the
# release build, built first.  Use it as:  kubelab="$(release_kubelab)"
release_kubelab() {
  if [[ -n "${KUBELAB_BIN:-}" ]]; then
    printf '%s\n' "$KUBELAB_BIN"
    return
  fi
  phase "build kubelab (release)" cargo build -q --release -p kubelab >&2 || return
  printf '%s\n' "$CARGO_TARGET_DIR/release/kubelab"
}

# ---------------------------------------------------------------- the sandbox (scripts/sandbox)

# in_sandbox: whether $KUBECONFIG is a sandbox's: its state dir holds the marker `up` writes.
in_sandbox() { [[ -n "${KUBECONFIG:-}" && -f "$(dirname "$KUBECONFIG")/.kubelab-sandbox" ]]; }

# sandbox_kubectl: prints the path of the kubectl of the sandbox that $KUBECONFIG points at; dies
# unless it is a sandbox on loopback.  Use it as:  kubectl="$(sandbox_kubectl)"
sandbox_kubectl() {
  in_sandbox || die "KUBECONFIG does not point at a sandbox (eval \"\$(scripts/sandbox up)\")"
  grep -q 'server: https://127.0.0.1:' "$KUBECONFIG" || die "$KUBECONFIG does not point at 127.0.0.1"
  printf '%s\n' "$(<"$(dirname "$KUBECONFIG")/kubectl.path")"
}

# ---------------------------------------------------------------- reports

# tsv_get FILE NAME COLUMN: column COLUMN of the tab-separated row of FILE whose first column is NAME.
tsv_get() { awk -F'\t' -v name="$2" -v col="$3" '$1 == name { print $col }' "$1"; }

# ---------------------------------------------------------------- containers (scripts/test-image)

# use_container_storage: points buildah and podman at kubelab's own storage under
# $KUBELAB_CACHE/containers (images never land in the clone) and at a containers.conf that suits a
# host without systemd: runc with cgroupfs (crun fails on some hosts' cgroups) and no raised
# ulimits (the host may refuse them). The storage driver is overlay where the kernel has it (a
# layer costs only its changes), else vfs (a full copy per layer, works anywhere);
# KUBELAB_CONTAINERS_DRIVER chooses. Builds run with chroot isolation; their cache mounts live
# under $TMPDIR, so it points into the same directory.
use_container_storage() {
  local driver="${KUBELAB_CONTAINERS_DRIVER:-}"
  if [[ -z "$driver" ]]; then
    driver=vfs
    if grep -qw overlay /proc/filesystems; then driver=overlay; fi
  fi
  KUBELAB_CONTAINERS="$KUBELAB_CACHE/containers"
  mkdir -p "$KUBELAB_CONTAINERS"/{"storage-$driver","run-$driver",tmp,libpod}
  cat >"$KUBELAB_CONTAINERS/storage.conf" <<CONF
[storage]
driver = "$driver"
graphroot = "$KUBELAB_CONTAINERS/storage-$driver"
runroot = "$KUBELAB_CONTAINERS/run-$driver"
CONF
  cat >"$KUBELAB_CONTAINERS/containers.conf" <<CONF
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$KUBELAB_CONTAINERS/libpod"
image_copy_tmp_dir = "$KUBELAB_CONTAINERS/tmp"
CONF
  export CONTAINERS_STORAGE_CONF="$KUBELAB_CONTAINERS/storage.conf"
  export CONTAINERS_CONF="$KUBELAB_CONTAINERS/containers.conf"
  export BUILDAH_ISOLATION=chroot
  export TMPDIR="$KUBELAB_CONTAINERS/tmp"
}
