// Smoke run of `make bench`'s page side (tests/bench/page.mjs): one run with a 200-event flood and 5
// latency events, in every browser of the real bench but without its two control browsers (noise,
// DevTools alone). Asserts only that every figure was produced (a finite number), not that it meets
// its target: that is the bench's job, on a quiet machine.
import { test } from 'node:test';
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
  assert.equal(report.samples.latencyMs.length, opts.latencyEvents);
  assert.ok(report.samples.flood.none.chatIframeOutOfProcess.every(Boolean), 'the chat iframe runs in its own process');
});
