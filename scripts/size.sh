#!/usr/bin/env bash
# Print raw and gzipped (-9) sizes of the given files.
#   scripts/size.sh FILE...
#   scripts/size.sh --gzip-budget BYTES FILE   also fail when FILE's gzip -9 size exceeds BYTES
set -euo pipefail
budget=0
if [ "${1:-}" = --gzip-budget ]; then budget=${2:?budget in bytes}; shift 2; fi
for f in "$@"; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -n -c "$f" | wc -c)
  awk -v f="$f" -v r="$raw" -v g="$gz" \
    'BEGIN { printf "[size] %-44s %9d bytes (%6.1f KiB) raw  %9d bytes (%6.1f KiB) gzip -9\n", f, r, r/1024, g, g/1024 }'
  if [ "$budget" -gt 0 ] && [ "$gz" -gt "$budget" ]; then
    echo "[size] FAIL: $f is $gz bytes gzipped, over its budget of $budget bytes (Makefile PANEL_WASM_GZIP_BUDGET; README \"Wasm size\")" >&2
    exit 1
  fi
done
