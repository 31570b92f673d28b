#!/usr/bin/env bash
# Assemble the unpacked extension of one browser: extension/* + its manifest (from manifest.json,
# version from Cargo.toml, see scripts/manifest.mjs) + the wasm-bindgen package.
#   scripts/assemble.sh dist/chrome target/pkg [chrome]
#   scripts/assemble.sh dist/firefox target/pkg firefox
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?out dir}
pkg=${2:?pkg dir}
browser=${3:-chrome}
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
cp -R extension/. "$tmp/"
node scripts/manifest.mjs "$browser" "$tmp/manifest.json"
mkdir -p "$tmp/pkg"
cp -R "$pkg/." "$tmp/pkg/"
rm -f "$tmp/pkg/.stamp"
# editor/OS junk never ships
find "$tmp" \( -name '.DS_Store' -o -name '*~' -o -name '*.swp' -o -name '.gitkeep' \) -delete
rm -rf "$out"
mv "$tmp" "$out"
echo "assembled $out for $browser ($(find "$out" -type f | wc -l) files)"
