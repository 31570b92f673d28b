#!/usr/bin/env bash
# Print raw and gzipped (-9) sizes of the given files.
#   scripts/size.sh [--gzip-budget BYTES] FILE... [--gzip-budget BYTES] FILE...
# A --gzip-budget applies to the one FILE after it: exit 1 when its gzip -9 size exceeds BYTES
# (scripts/test.sh holds the panel wasm's budget; README "Wasm size").
set -euo pipefail
budget=0
over=0
while [ $# -gt 0 ]; do
  if [ "$1" = --gzip-budget ]; then budget=${2:?budget in bytes}; shift 2; continue; fi
  f=$1; shift
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -n -c "$f" | wc -c)
  awk -v f="$f" -v r="$raw" -v g="$gz" -v b="$budget" \
    'BEGIN { printf "[size] %-44s %9d bytes (%6.1f KiB) raw  %9d bytes (%6.1f KiB) gzip -9%s\n", f, r, r/1024, g, g/1024, (b > 0 ? sprintf("  (budget %d)", b) : "") }'
  if [ "$budget" -gt 0 ] && [ "$gz" -gt "$budget" ]; then
    echo "[size] FAIL: $f is $gz bytes gzipped, over its budget of $budget bytes (README \"Wasm size\")" >&2
    over=1
  fi
  budget=0
done
exit "$over"
