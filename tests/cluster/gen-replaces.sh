#!/usr/bin/env bash
# Regenerate go.mod's k8s.io staging `replace` block from k8s.io/kubernetes's own go.mod.
#
# k8s.io/kubernetes replaces every staging module (k8s.io/api, k8s.io/apiserver, ...)
# with ./staging/src/...; a module that imports k8s.io/kubernetes as a library must
# replace each of them with the published tag v0.MINOR.PATCH instead. This script
# reads that list from the pinned k8s.io/kubernetes version (file VERSION), pins
# go.etcd.io/etcd/server/v3 to the version kubernetes itself requires, and runs
# `go mod tidy`. Run it after changing VERSION.
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: gen-replaces.sh [--check]

Rewrites go.mod (k8s.io/kubernetes version, staging replaces, etcd version) from
the version in ./VERSION, then runs `go mod tidy`.
  --check   exit 1 if go.mod/go.sum would change (does not modify files)
USAGE
}

check=0
case "${1:-}" in
	-h | --help) usage; exit 0 ;;
	--check) check=1 ;;
	"") ;;
	*) usage >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
GO="${GO:-go}"
command -v "$GO" >/dev/null 2>&1 || GO=/usr/local/go/bin/go

kube_version="$(tr -d '[:space:]' < VERSION)"          # e.g. v1.37.2
if [[ ! "$kube_version" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]]; then
	echo "VERSION must look like v1.MINOR.PATCH, got '$kube_version'" >&2
	exit 1
fi
staging_version="v0.${BASH_REMATCH[1]}.${BASH_REMATCH[2]}" # e.g. v0.37.2

if [[ $check == 1 ]]; then
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' EXIT
	cp go.mod go.sum "$tmp/"
fi

kube_gomod="$("$GO" mod download -json "k8s.io/kubernetes@${kube_version}" |
	sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
[[ -f "$kube_gomod" ]] || { echo "could not download k8s.io/kubernetes@${kube_version}" >&2; exit 1; }

# Every `k8s.io/foo => ./staging/src/k8s.io/foo` line in kubernetes' go.mod.
mapfile -t staging < <(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$kube_gomod")
(( ${#staging[@]} > 0 )) || { echo "no staging replaces found in $kube_gomod" >&2; exit 1; }

# etcd: the exact version kubernetes requires (its client and, indirectly, server).
etcd_version="$(sed -n 's#^[[:space:]]*go\.etcd\.io/etcd/server/v3[[:space:]]\{1,\}\(v[^[:space:]]*\).*#\1#p' "$kube_gomod" | head -n1)"
[[ -n "$etcd_version" ]] || { echo "no go.etcd.io/etcd/server/v3 in $kube_gomod" >&2; exit 1; }

# Drop all existing k8s.io replaces, then add the generated ones.
while read -r old; do
	[[ -n "$old" ]] && "$GO" mod edit -dropreplace "$old"
done < <("$GO" mod edit -json | sed -n 's#^[[:space:]]*"Path": "\(k8s\.io/[^"]*\)",\{0,1\}$#\1#p' | sort -u)

args=(-require "k8s.io/kubernetes@${kube_version}" -require "go.etcd.io/etcd/server/v3@${etcd_version}")
for mod in "${staging[@]}"; do
	args+=(-replace "${mod}=${mod}@${staging_version}")
done
"$GO" mod edit "${args[@]}"
"$GO" mod tidy

echo "k8s.io/kubernetes ${kube_version}: ${#staging[@]} staging replaces at ${staging_version}; etcd ${etcd_version}" >&2

if [[ $check == 1 ]]; then
	if ! cmp -s go.mod "$tmp/go.mod" || ! cmp -s go.sum "$tmp/go.sum"; then
		cp "$tmp/go.mod" "$tmp/go.sum" .
		echo "go.mod/go.sum are out of date: run tests/cluster/gen-replaces.sh" >&2
		exit 1
	fi
fi
