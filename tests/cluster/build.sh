#!/usr/bin/env bash
# Build the sandbox binaries into OUT_DIR:
#   kube-apiserver, kube-controller-manager, kube-scheduler, etcd,
#   sandbox-helper                                                  (this module)
#   kwok + kwok-stages.yaml (kwok's own default stages)             (./kwok module)
# The three Kubernetes binaries and etcd are built by ONE `go build` so shared
# packages compile once. Go's default build and module caches are used.
set -euo pipefail

usage() {
	echo "usage: build.sh OUT_DIR    (builds kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok)"
}
case "${1:-}" in
	-h | --help) usage; exit 0 ;;
	"") usage >&2; exit 2 ;;
esac
out="$1"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GO="${GO:-go}"
command -v "$GO" >/dev/null 2>&1 || GO=/usr/local/go/bin/go

kube_version="$(tr -d '[:space:]' < "$here/VERSION")"
[[ "$kube_version" =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]] || { echo "bad VERSION '$kube_version'" >&2; exit 1; }
major="${BASH_REMATCH[1]}" minor="${BASH_REMATCH[2]}"

# Same -X flags as kubernetes' hack/lib/version.sh, so `--version` says v1.37.2.
ldflags=(-s -w)
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=(
		"-X=${pkg}.gitVersion=${kube_version}"
		"-X=${pkg}.gitMajor=${major}"
		"-X=${pkg}.gitMinor=${minor}"
		"-X=${pkg}.gitTreeState=clean"
		"-X=${pkg}.gitCommit=kubelab-module-build"
		"-X=${pkg}.buildDate=1970-01-01T00:00:00Z"
	)
done

mkdir -p "$out"
start=$SECONDS
echo "building kube-apiserver kube-controller-manager kube-scheduler etcd ${kube_version} -> $out" >&2
(cd "$here" && "$GO" build -mod=readonly -trimpath -ldflags="${ldflags[*]}" -o "$out/" \
	./cmd/kube-apiserver ./cmd/kube-controller-manager ./cmd/kube-scheduler ./cmd/etcd ./cmd/sandbox-helper)
echo "building kwok -> $out" >&2
(cd "$here/kwok" && "$GO" build -mod=readonly -trimpath -ldflags="-s -w" -o "$out/kwok" sigs.k8s.io/kwok/cmd/kwok)
# kwok ships no stages when run standalone (kwokctl writes them into its config).
# Use the stage files of the pinned kwok module itself, the same set kwokctl
# uses by default: node-initialize, node-heartbeat-with-lease, pod-ready,
# pod-complete, pod-delete.
kwok_dir="$(cd "$here/kwok" && "$GO" list -mod=readonly -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
{
	first=1
	for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
		pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
		[[ $first == 1 ]] || echo "---"
		first=0
		cat "$kwok_dir/kustomize/stage/$f"
	done
} > "$out/kwok-stages.yaml"
echo "built in $((SECONDS - start))s" >&2
