#!/usr/bin/env bash
# Assemble the unpacked extension: extension/* + manifest.json + the wasm-bindgen package.
#   scripts/assemble.sh dist/chrome target/pkg
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?out dir}
pkg=${2:?pkg dir}
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
cp -R extension/. "$tmp/"
cp manifest.json "$tmp/manifest.json"
mkdir -p "$tmp/pkg"
cp -R "$pkg/." "$tmp/pkg/"
rm -f "$tmp/pkg/.stamp"
# editor/OS junk never ships
find "$tmp" \( -name '.DS_Store' -o -name '*~' -o -name '*.swp' -o -name '.gitkeep' \) -delete
rm -rf "$out"
mv "$tmp" "$out"
echo "assembled $out ($(find "$out" -type f | wc -l) files)"
