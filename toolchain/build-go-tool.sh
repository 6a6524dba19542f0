#!/usr/bin/env bash
# Build one Go command from the Go module proxy into a cache directory keyed by version.
#   build-go-tool.sh MODULE PACKAGE VERSION OUTDIR BINARY VERSION_GREP
# Idempotent: a binary that already reports VERSION_GREP is reused (CI clones on one machine share it).
# `go install pkg@version` refuses modules whose go.mod carries replace/exclude directives (Kubo >= v0.40),
# so the module is downloaded and built inside its own directory instead; that works for every version.
# GOTOOLCHAIN (set by ipfs.mk) pins the Go release: Kubo's pebble -> cockroachdb/swiss dependency reaches
# into runtime internals and does not compile with Go >= 1.26, and Go fetches the pinned toolchain from
# the module proxy like any module.
set -euo pipefail
module=$1 package=$2 version=$3 outdir=$4 binary=$5 want=$6

if [[ -x "$outdir/$binary" ]] && "$outdir/$binary" --version 2>/dev/null | grep -q -- "$want"; then
    exit 0
fi
command -v go >/dev/null || { echo "build-go-tool: Go is required to build $binary (https://go.dev/dl/)" >&2; exit 1; }

start=$(date +%s)
echo "build-go-tool: building $binary $version from the Go module proxy (takes several minutes)..." >&2
json=$(go mod download -json "$module@$version") || { echo "build-go-tool: go mod download failed: $json" >&2; exit 1; }
dir=$(sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p' <<<"$json")
[[ -d "$dir" ]] || { echo "build-go-tool: go mod download $module@$version gave no directory: $json" >&2; exit 1; }
mkdir -p "$outdir"
# Build to a temp name then rename, so an interrupted build never leaves a half-written binary.
(cd "$dir" && CGO_ENABLED=0 go build -trimpath -o "$outdir/$binary.tmp" "./$package")
mv "$outdir/$binary.tmp" "$outdir/$binary"
"$outdir/$binary" --version | grep -q -- "$want" || { echo "build-go-tool: $binary does not report $want" >&2; exit 1; }
echo "build-go-tool: $binary $version built in $(( $(date +%s) - start )) s" >&2
