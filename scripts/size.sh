#!/usr/bin/env bash
# Print raw and gzipped (-9) sizes of the given files.
set -euo pipefail
for f in "$@"; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  awk -v f="$f" -v r="$raw" -v g="$gz" \
    'BEGIN { printf "[size] %-44s %9d bytes (%6.1f KiB) raw  %9d bytes (%6.1f KiB) gzip -9\n", f, r, r/1024, g, g/1024 }'
done
