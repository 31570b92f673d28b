#!/usr/bin/env bash
# Idempotent tool installation used by `make tools` / `make dist`. Each sub-command checks first and
# only installs what is missing, so a warm run costs well under a second.
#
#   scripts/tools.sh rust-target wasm32-unknown-unknown
#   scripts/tools.sh wasm-bindgen .tools      # version = the `wasm-bindgen` crate in Cargo.lock
#   scripts/tools.sh browsers                 # chromium, chromium-driver, firefox-esr (Debian, root)
#   scripts/tools.sh report                   # one line per tool with its version
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[tools] %s\n' "$*"; }

rust_target() {
  local target=$1
  if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    say "rustup target add $target"
    rustup target add "$target"
  fi
  # `make test` needs both; minimal rustup profiles lack them
  cargo fmt --version >/dev/null 2>&1 || { say "rustup component add rustfmt"; rustup component add rustfmt; }
  cargo clippy --version >/dev/null 2>&1 || { say "rustup component add clippy"; rustup component add clippy; }
}

# The wasm-bindgen CLI must match the wasm-bindgen crate version in Cargo.lock EXACTLY, otherwise it
# refuses the wasm ("rust Wasm file schema version ... this binary schema version ...").
wasm_bindgen() {
  local root=$1
  if [ ! -f Cargo.lock ]; then
    say "Cargo.lock missing: cargo generate-lockfile"
    cargo generate-lockfile
  fi
  local want
  want=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/^version = "|"$/, ""); print; exit }' Cargo.lock)
  if [ -z "$want" ]; then
    echo "error: no wasm-bindgen package in Cargo.lock" >&2
    exit 1
  fi
  local have=""
  if [ -x "$root/bin/wasm-bindgen" ]; then
    have=$("$root/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}') || have=""
  fi
  if [ "$have" = "$want" ]; then
    return 0
  fi
  say "installing wasm-bindgen-cli $want into $root (found: ${have:-none}); takes ~2-3 min"
  # No --locked: a version pinned in the CLI's own lockfile is missing from the registry mirror.
  cargo install wasm-bindgen-cli --version "$want" --root "$root" --force
  have=$("$root/bin/wasm-bindgen" --version | awk '{print $2}')
  if [ "$have" != "$want" ]; then
    echo "error: installed wasm-bindgen $have, wanted $want" >&2
    exit 1
  fi
}

browsers() {
  local pkgs=(chromium chromium-driver firefox-esr)
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    cat >&2 <<EOF
[tools] WARNING: browsers missing: ${missing[*]}
[tools] Not running as root, so they are not installed automatically. Install them with:
[tools]     sudo apt-get update && sudo apt-get install -y ${pkgs[*]}
[tools] Browser (e2e/demo) tests will fail until then.
EOF
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "[tools] WARNING: browsers missing (${missing[*]}) and no apt-get here; install Chromium + chromedriver + Firefox ESR by hand." >&2
    return 0
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local attempt
  for attempt in 1 2; do
    if apt-get update && apt-get install -y "${missing[@]}"; then
      return 0
    fi
    say "apt-get attempt $attempt failed"
    # a failed first attempt can leave half-configured packages behind
    dpkg --configure -a || true
    sleep 3
  done
  echo "error: could not install ${missing[*]} with apt-get" >&2
  exit 1
}

report() {
  local v
  say "rustc $(rustc --version | awk '{print $2}'), node $(node --version), wasm-bindgen $(.tools/bin/wasm-bindgen --version 2>/dev/null | awk '{print $2}'), wasm-opt $(node_modules/.bin/wasm-opt --version 2>/dev/null | awk '{print $3}')"
  for v in chromium chromedriver firefox-esr; do
    if command -v "$v" >/dev/null 2>&1; then
      say "$v: $("$v" --version 2>/dev/null | head -n1)"
    else
      say "$v: MISSING"
    fi
  done
}

case "${1:-}" in
  rust-target) rust_target "${2:-wasm32-unknown-unknown}" ;;
  wasm-bindgen) wasm_bindgen "${2:-.tools}" ;;
  browsers) browsers ;;
  report) report ;;
  *) echo "usage: $0 rust-target TARGET | wasm-bindgen ROOT | browsers | report" >&2; exit 2 ;;
esac
