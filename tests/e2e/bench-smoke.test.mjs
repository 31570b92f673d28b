// Smoke runs of `make bench`'s page side (tests/bench/page.mjs): one run with a 200-event flood and 5
// latency events, in every browser of the real bench but without its two control browsers (noise,
// DevTools alone). Asserts only that every figure was produced (a finite number), not that it meets
// its target: that is the bench's job, on a quiet machine.
import { test } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { options, runPageBench, figuresTable } from '../bench/page.mjs';
import { selectedBrowsers } from '../harness/browsers.mjs';

test('make bench (page side) smoke run: every figure is produced', async (t) => {
  const opts = { ...options({ BENCH_SMOKE: '1', BENCH_RUNS: '1' }), firefox: selectedBrowsers().includes('firefox') };
  const report = await runPageBench(opts, { quiet: true });
  for (const line of figuresTable(report).split('\n')) t.diagnostic(line);
  for (const f of report.figures) {
    if (f.id === 'firefox_flood' && !opts.firefox) continue;
    for (const column of ['value', 'floor']) {
      if (column in f) assert.ok(Number.isFinite(f[column]), `${f.figure}: ${column} = ${f[column]}`);
    }
  }
  // A trace that found none of the extension's scripts would give 0, a finite number too.
  assert.ok(report.medians.traced.fresh.compileMs > 0, 'the trace of a fresh tab shows the hook compiled');
  assert.equal(report.samples.loadSameTab.ext.scriptMs.length, opts.loadsPerRun);
  assert.equal(report.samples.latencyMs.length, opts.latencyEvents);
  assert.equal(report.samples.latencyOpeningMs.length, opts.latencyEvents);
  assert.ok(report.samples.flood.none.chatIframeOutOfProcess.every(Boolean), 'the chat iframe runs in its own process');
});

// The panel side (tests/bench/panel.mjs) small: 2,000 entries. Every figure line is printed with
// its numbers, and the panel was still at the end of the log after the stream.
test('make bench (panel side) smoke run: every figure is produced', { skip: !selectedBrowsers().includes('chromium') && 'Chromium only' }, async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, ['tests/bench/panel.mjs'], {
    env: { ...process.env, BENCH_PANEL_EVENTS: '2000', BENCH_FINDING_RUNS: '3', BENCH_FIREFOX: selectedBrowsers().includes('firefox') ? '1' : '0' },
    timeout: 300000, maxBuffer: 1 << 20,
  });
  for (const line of stdout.trim().split('\n')) t.diagnostic(line);
  for (const figure of [/showPanel → first rows \d+ ms; → all entries \d+ ms/, /a full change \d+, \d+, \d+, \d+, \d+ ms/,
    /name filter → next frame: \d+ ms \(500 shown\)/, /frame p50 [\d.]+ ms, p95 [\d.]+ ms, worst \d+ ms \(\d+ frames\); still at the end: true/,
    /scroll \(900 px a frame for 2 s, 2000 entries\): frame p50 [\d.]+ ms, p95 [\d.]+ ms, worst \d+ ms \(\d+ frames\); frames with no row in view: \d+/,
    /plain-DOM reference page, same 2000 rows: first rows \d+ ms.*scroll frame p50 [\d.]+ ms, p95 [\d.]+ ms, frames with no row in view: \d+/, /JS heap [\d.]+ MiB, wasm memory [\d.]+ MiB/]) {
    assert.match(stdout, figure);
  }
  const finding = /panel tab, a finding \(3 page calls\): call → row p50 [\d.]+ ms, → the status line's finding p50 [\d.]+ ms; in the render of its row: \d of 3/;
  assert.match(stdout, new RegExp(`chromium ${finding.source}`));
  if (selectedBrowsers().includes('firefox')) {
    assert.match(stdout, /firefox panel tab, 2000 entries: idle frame p50 [\d.]+ ms, p95 [\d.]+ ms; stream .* p95 [\d.]+ ms, worst \d+ ms \(\d+ frames\); still at the end: true/);
    assert.match(stdout, new RegExp(`firefox ${finding.source}`));
  }
});
