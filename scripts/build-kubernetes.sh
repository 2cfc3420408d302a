#!/usr/bin/env bash
# Builds the Kubernetes components the embedded lab runs, from pinned published Go modules, into a
# cache outside the repository, once per machine:
#   /var/cache/fabricspec/kubernetes/v$K8S_VERSION/bin/{etcd,kube-apiserver,kube-controller-manager,
#                                                      kube-scheduler,kubelet,kubectl}
# Reused when present (the directory appears only once every binary is built and has answered
# --version). Runs at nice 19; prints a progress line every 100 packages.
#
# Why a wrapper module: `go install k8s.io/kubernetes/cmd/...@v1.34.4` is refused, because
# k8s.io/kubernetes's go.mod replaces its k8s.io/* staging modules with ./staging/src/...; the wrapper
# requires k8s.io/kubernetes and replaces each of those modules with its published v0.34.x, the
# release cut from the same tree. etcd's server module likewise replaces its siblings with ../api
# etc., so it is built the same way (a wrapper that requires it; its siblings resolve to the
# published versions its go.mod names).
#
# Usage: scripts/build-kubernetes.sh [--print-dir]
#   --print-dir  print the cache directory and exit 0 if it is complete, 1 if not (builds nothing)
# Environment: GO (default /usr/local/go/bin/go, else go on PATH), FABRICSPEC_CACHE
# (default /var/cache/fabricspec).
set -euo pipefail
# All in a function, read whole before it runs: editing this file during a build cannot change the build.
main() {

# The pinned versions, in one place (lab/kinds/kubernetes.ts reads the same file):
#   kubernetes  1.34: kubelet 1.34 still runs on cgroup v1 (1.35+ refuses it unless configured)
#   staging     the k8s.io/* staging modules published from the same tree
#   etcd        the etcd k8s.io/kubernetes's go.mod names
RELEASE=$(dirname "${BASH_SOURCE[0]}")/../lab/kubernetes/release.json
pin() { sed -n "s/^ *\"$1\": \"\([0-9.]*\)\",\{0,1\}$/\1/p" "$RELEASE"; }
K8S_VERSION=$(pin kubernetes) STAGING_VERSION=$(pin staging) ETCD_VERSION=$(pin etcd)
[[ -n $K8S_VERSION && -n $STAGING_VERSION && -n $ETCD_VERSION ]] || { echo "build-kubernetes: cannot read the versions in $RELEASE" >&2; exit 1; }
CACHE=${FABRICSPEC_CACHE:-/var/cache/fabricspec}
OUT=$CACHE/kubernetes/v$K8S_VERSION
COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl)

say() { printf 'build-kubernetes: %s\n' "$*"; }
complete() { [[ -f $OUT/bin/etcd ]] && for c in "${COMPONENTS[@]}"; do [[ -x $OUT/bin/$c ]] || return 1; done; }

if [[ ${1:-} == --print-dir ]]; then
  complete && { echo "$OUT"; exit 0; }
  exit 1
fi
if complete; then
  say "Kubernetes v$K8S_VERSION and etcd v$ETCD_VERSION already built in $OUT"
  exit 0
fi

GO=${GO:-}
if [[ -z $GO ]]; then
  if [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; else GO=$(command -v go || true); fi
fi
[[ -n $GO && -x $GO ]] || { say "no Go toolchain (looked for /usr/local/go/bin/go and go on PATH): cannot build Kubernetes"; exit 1; }

PARTIAL=$OUT.partial
rm -rf "$PARTIAL"
mkdir -p "$PARTIAL/bin" "$PARTIAL/src/kubernetes" "$PARTIAL/src/etcd"
export GOFLAGS="-trimpath -mod=mod -buildvcs=false" CGO_ENABLED=0 GOTOOLCHAIN=local
LDFLAGS_COMMON="-s -w"
started=$SECONDS
elapsed() { local s=$((SECONDS - started)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# go build -v names each package as it builds it: one line every 100 of the total.
progress() {
  local what=$1 total=$2 n=0 line
  while IFS= read -r line; do
    if [[ $line == *": "* || $line == "#"* || $line == *"go: "* ]]; then printf '%s\n' "$line"; continue; fi
    n=$((n + 1))
    if ((n % 100 == 0)); then say "$what: $n/$total packages ($(elapsed))"; fi
  done
}

say "building Kubernetes v$K8S_VERSION (${COMPONENTS[*]}) and etcd v$ETCD_VERSION into $OUT"
say "expected: about 10 min on 2 cores when nothing is cached (measured 9 min 20 s: module download, ~3,200 packages, six links; peak memory 1.9 GB), about 1 min with Go's build cache warm; nice 19"

# --- etcd ---------------------------------------------------------------------------------------
cd "$PARTIAL/src/etcd"
cat >go.mod <<EOF
module fabricspec.local/build/etcd

go 1.24.0

require go.etcd.io/etcd/server/v3 v$ETCD_VERSION
EOF
nice -n 19 "$GO" get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
total=$("$GO" list -deps go.etcd.io/etcd/server/v3 | wc -l)
say "etcd: $total packages to build ($(elapsed))"
nice -n 19 "$GO" build -v -ldflags "$LDFLAGS_COMMON" -o "$PARTIAL/bin/etcd" go.etcd.io/etcd/server/v3 2>&1 | progress etcd "$total" ||
  { say "etcd build failed ($(elapsed))"; exit 1; }
say "etcd built ($(elapsed))"

# --- Kubernetes -----------------------------------------------------------------------------------
cd "$PARTIAL/src/kubernetes"
mod=$(nice -n 19 "$GO" mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
[[ -f $mod ]] || { say "go mod download k8s.io/kubernetes@v$K8S_VERSION gave no go.mod"; exit 1; }
staging=$(sed -n 's#^\t\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#\1#p' "$mod")
[[ -n $staging ]] || { say "k8s.io/kubernetes v$K8S_VERSION's go.mod names no staging module"; exit 1; }
{
  printf 'module fabricspec.local/build/kubernetes\n\ngo 1.24.0\n\nrequire k8s.io/kubernetes v%s\n\nreplace (\n' "$K8S_VERSION"
  for m in $staging; do printf '\t%s => %s v%s\n' "$m" "$m" "$STAGING_VERSION"; done
  printf ')\n'
} >go.mod
pkgs=()
for c in "${COMPONENTS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
nice -n 19 "$GO" get "${pkgs[@]/%/@v$K8S_VERSION}"
total=$("$GO" list -deps "${pkgs[@]}" | wc -l)
say "Kubernetes: $total packages to build ($(elapsed))"
# What `kubectl version` and the API server report (hack/lib/version.sh sets the same variables).
ldflags=$LDFLAGS_COMMON
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=${K8S_VERSION%%.*} -X $p.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION") -X $p.gitTreeState=clean"
done
nice -n 19 "$GO" build -v -ldflags "$ldflags" -o "$PARTIAL/bin/" "${pkgs[@]}" 2>&1 | progress Kubernetes "$total" ||
  { say "Kubernetes build failed ($(elapsed))"; exit 1; }

# --- check and publish ------------------------------------------------------------------------------
"$PARTIAL/bin/etcd" --version | head -1
for c in "${COMPONENTS[@]}"; do
  v=$("$PARTIAL/bin/$c" --version 2>&1 | head -1) || true
  [[ $c == kubectl ]] && v=$("$PARTIAL/bin/kubectl" version --client 2>&1 | head -1)
  [[ $v == *"v$K8S_VERSION"* ]] || { say "$c --version says \"$v\", not v$K8S_VERSION"; exit 1; }
  say "$c: $v"
done
printf 'kubernetes v%s (staging v%s)\netcd v%s\ngo %s\nbuilt %s in %s\n' "$K8S_VERSION" "$STAGING_VERSION" "$ETCD_VERSION" \
  "$("$GO" env GOVERSION)" "$(date -u +%FT%TZ)" "$(elapsed)" >"$PARTIAL/VERSIONS"
rm -rf "$PARTIAL/src" "$OUT"
mv "$PARTIAL" "$OUT"
du -sh "$OUT/bin" | sed 's/^/build-kubernetes: size /'
say "done in $(elapsed): $OUT"
}
main "$@"
