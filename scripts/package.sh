#!/usr/bin/env bash
# Store-ready archives, version from Cargo.toml:
#   OUT/chat-widget-inspector-<v>-chrome.zip    Chrome Web Store upload (= dist/chrome.zip)
#   OUT/chat-widget-inspector-<v>-firefox.xpi   addons.mozilla.org upload (= dist/firefox.zip)
#   OUT/chat-widget-inspector-<v>-source.zip    the source code AMO asks for (compiled wasm inside)
#   OUT/SHA256SUMS
# Every archive is byte-for-byte reproducible (scripts/zip.mjs); tests/package checks it.
#   scripts/package.sh [OUT_DIR=dist/packages] [PKG_DIR=target/pkg]
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
out=${1:-dist/packages}
pkg=${2:-target/pkg}
[ -f "$pkg/panel_bg.wasm" ] && [ -f "$pkg/background_bg.wasm" ] || { echo "package: no wasm in $pkg (run make dist)" >&2; exit 1; }
version=$(node scripts/manifest.mjs version)
name="chat-widget-inspector-$version"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash scripts/assemble.sh "$work/chrome" "$pkg" chrome >/dev/null
bash scripts/assemble.sh "$work/firefox" "$pkg" firefox >/dev/null
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
node scripts/zip.mjs "$work/chrome" "$out.tmp/$name-chrome.zip"
node scripts/zip.mjs "$work/firefox" "$out.tmp/$name-firefox.xpi"
node scripts/source-archive.mjs "$out.tmp/$name-source.zip"
(cd "$out.tmp" && sha256sum -- *.zip *.xpi >SHA256SUMS)
rm -rf "$out"
mv "$out.tmp" "$out"
echo "packages in $out:"
(cd "$out" && ls -l -- *.zip *.xpi | awk '{ printf "  %-48s %9d bytes\n", $9, $5 }')
