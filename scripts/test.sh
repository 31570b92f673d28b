#!/usr/bin/env bash
# Runs every check in order, keeps all output visible (and in target/test-logs/), and ends with ONE
# final line "N passed, N failed":
#   passed = sum of cargo "test result: ... X passed" + node --test "# pass X"
#   failed = sum of cargo "Y failed" + node --test "# fail Y" (+ "# cancelled")
#            + 1 for each failed fmt/clippy step
#            + 1 for a test step that exited non-zero without reporting any failed test
#              (compile error, crash, hung runner killed, ...)
# Exit status: 0 only if failed == 0.
#
# The browser tests (tests/hook and tests/e2e) run in ONE node --test run, E2E_CONCURRENCY files at
# a time (node 20 runs them in path order: the short hook files come last and fill the lanes at the
# end; four at a time keep both cores busy while files wait on their browsers, README "Test time");
# its summary line is node-e2e (node-hook says it ran there). Each step's time is in the summary.
#
# Env: NODE_TEST_TIMEOUT_MS (per test, default 600000), SKIP_E2E=1 to skip tests/e2e (the hook
#      tests then run alone), E2E_BROWSERS=chromium,firefox (default both) for the browsers the e2e
#      tests run in, E2E_CONCURRENCY (default 4) test files at a time (each file has its own server
#      and browsers; tests wait for progress, not for a fixed time, so they hold on a loaded machine),
#      E2E_PRELAUNCH=0 to launch a file's next browser only when its tests start (tests/harness/session.mjs),
#      PANEL_WASM_GZIP_BUDGET (bytes, default below) for the wasm-size step (README "Wasm size").
set -uo pipefail
cd "$(dirname "$0")/.."

LOG_DIR=target/test-logs
mkdir -p "$LOG_DIR"
rm -f "$LOG_DIR"/*.log "$LOG_DIR"/*.tap

TOTAL_PASS=0
TOTAL_FAIL=0
STEP_LINES=()
STARTED=$SECONDS
STEP_START=$SECONDS

banner() { STEP_START=$SECONDS; printf '\n==== %s ====\n' "$*"; }
record() { STEP_LINES+=("$(printf '%-34s %-44s %4ds' "$1" "$2" $((SECONDS - STEP_START)))"); }

# A lint-like step: pass/fail counts only as a failure (1) when it fails.
lint_step() {
  local name=$1; shift
  local log="$LOG_DIR/$name.log"
  banner "$name: $*"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -eq 0 ]; then
    record "$name" "ok"
  else
    record "$name" "FAILED (exit $rc)"
    TOTAL_FAIL=$((TOTAL_FAIL + 1))
  fi
}

cargo_test_step() {
  local name=$1; shift
  local log="$LOG_DIR/$name.log"
  banner "$name: $*"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local counts pass fail
  # e.g. "test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s"
  counts=$(grep -aoE 'test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed' "$log" |
    awk '{ p += $4; f += $6 } END { printf "%d %d", p, f }')
  read -r pass fail <<<"$counts"
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
    fail=1 # did not build, or a test binary crashed before reporting
  fi
  TOTAL_PASS=$((TOTAL_PASS + pass))
  TOTAL_FAIL=$((TOTAL_FAIL + fail))
  record "$name" "$pass passed, $fail failed (exit $rc)"
}

# node --test with a human reporter on stdout and a TAP copy in a file that we parse.
node_test_step() {
  local name=$1; shift
  local log="$LOG_DIR/$name.log" tap="$LOG_DIR/$name.tap"
  banner "$name: node --test $*"
  node --test --test-timeout="${NODE_TEST_TIMEOUT_MS:-600000}" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local pass fail cancelled
  # The runner's final summary comes last in the TAP stream; test output is escaped ("# \# pass").
  pass=$(grep -aE '^# pass [0-9]+$' "$tap" 2>/dev/null | tail -n1 | awk '{print $3}')
  fail=$(grep -aE '^# fail [0-9]+$' "$tap" 2>/dev/null | tail -n1 | awk '{print $3}')
  cancelled=$(grep -aE '^# cancelled [0-9]+$' "$tap" 2>/dev/null | tail -n1 | awk '{print $3}')
  pass=${pass:-0}; fail=${fail:-0}; cancelled=${cancelled:-0}
  fail=$((fail + cancelled))
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
    fail=1
  fi
  TOTAL_PASS=$((TOTAL_PASS + pass))
  TOTAL_FAIL=$((TOTAL_FAIL + fail))
  record "$name" "$pass passed, $fail failed (exit $rc)"
}

lint_step fmt cargo fmt --check
lint_step clippy-native cargo clippy --workspace --all-targets -- -D warnings
lint_step clippy-wasm cargo clippy --workspace --target wasm32-unknown-unknown --lib -- -D warnings
cargo_test_step cargo-test cargo test --no-fail-fast
lint_step web-ext-lint node scripts/lint-firefox.mjs dist/firefox
# The two wasm modules' sizes; fails when the panel's gzipped wasm grows past its budget.
lint_step wasm-size bash scripts/size.sh --gzip-budget "${PANEL_WASM_GZIP_BUDGET:-218100}" dist/chrome/pkg/panel_bg.wasm \
  dist/chrome/pkg/background_bg.wasm

shopt -s nullglob
unit_tests=(tests/unit/*.test.mjs)
hook_tests=(tests/hook/*.test.mjs)
e2e_tests=(tests/e2e/*.test.mjs)
package_tests=(tests/package/*.test.mjs)
shopt -u nullglob

if [ ${#unit_tests[@]} -gt 0 ]; then
  node_test_step node-unit "${unit_tests[@]}"
fi
if [ ${#package_tests[@]} -gt 0 ]; then
  node_test_step node-package "${package_tests[@]}"
fi

if [ ${#e2e_tests[@]} -gt 0 ] && [ "${SKIP_E2E:-0}" != 1 ]; then
  node_test_step node-e2e --test-concurrency="${E2E_CONCURRENCY:-4}" "${e2e_tests[@]}" "${hook_tests[@]}"
  if [ ${#hook_tests[@]} -gt 0 ]; then STEP_START=$SECONDS; record node-hook "ran in node-e2e (same run)"; fi
else
  if [ ${#hook_tests[@]} -gt 0 ]; then
    node_test_step node-hook "${hook_tests[@]}"
  else
    record node-hook "skipped (no tests/hook/*.test.mjs)"
  fi
  if [ ${#e2e_tests[@]} -gt 0 ]; then
    record node-e2e "skipped (SKIP_E2E=1)"
  else
    record node-e2e "skipped (no tests/e2e/*.test.mjs)"
  fi
fi

banner "summary (logs in $LOG_DIR/)"
printf '%s\n' "${STEP_LINES[@]}"
printf 'total %ds (E2E_CONCURRENCY=%s)\n' $((SECONDS - STARTED)) "${E2E_CONCURRENCY:-4}"
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
[ "$TOTAL_FAIL" -eq 0 ]
