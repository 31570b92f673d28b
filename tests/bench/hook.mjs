// make bench, the page hook IN ISOLATION (an init script, no extension): its cost measured side by side in one Chromium, fresh
// context per load, the variants interleaved. "none" twice (the second is the noise control), an
// EMPTY document_start script (the physical floor of being there), and the hook. Figures, not
// assertions: medians, and ratios to "none".
//   - a page WITHOUT HubSpot (tests/hook/fixtures/bench.html): when its first <head> script runs,
//     and the page's script time at `load` (CDP Performance ScriptDuration);
//   - a HubSpot page (the hook tests' fake loader, fixtures/page.html?autoboot): script time until
//     the chat iframe has loaded.
import * as L from '../hook/lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 21);
const VARIANTS = [
  ['none', null],
  ['none (noise control)', null],
  ['empty script (floor)', '/* empty */'],
  ['hook', L.hookSource()],
];

async function load(browser, url, script, hubspot) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    if (script) await page.addInitScript({ content: script });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(url, { waitUntil: 'load' });
    if (hubspot) await page.waitForFunction(() => window.fakeHS && window.fakeHS.loaded(), null, { timeout: 10000 });
    const { metrics } = await cdp.send('Performance.getMetrics');
    const scriptMs = 1000 * metrics.find((m) => m.name === 'ScriptDuration').value;
    const firstScript = hubspot ? NaN : await page.evaluate(() => window.firstScriptAt);
    return { scriptMs, firstScript };
  } finally {
    await context.close();
  }
}

const median = (xs) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (x) => `${x.toFixed(2)} ms`;
const delta = (x) => `${x < 0 ? '−' : '+'}${ms(Math.abs(x))}`;

const server = await L.startServer();
const browser = await L.launch();
try {
  for (const [label, url, hubspot] of [
    ['page without HubSpot', server.page('bench.html'), false],
    ['HubSpot page (fake loader, until the chat iframe loaded)', server.page('page.html?autoboot'), true],
  ]) {
    const samples = new Map(VARIANTS.map(([name]) => [name, { scriptMs: [], firstScript: [] }]));
    for (let i = 0; i < RUNS; i++) {
      for (const [name, script] of VARIANTS) {
        const r = await load(browser, url, script, hubspot);
        samples.get(name).scriptMs.push(r.scriptMs);
        samples.get(name).firstScript.push(r.firstScript);
      }
    }
    const base = samples.get('none');
    console.log(`\n${label}: medians of ${RUNS} loads per variant`);
    for (const [name] of VARIANTS) {
      const s = samples.get(name);
      const script = median(s.scriptMs), baseScript = median(base.scriptMs);
      let line = `  ${name.padEnd(22)} script time ${ms(script)} (${(script / baseScript).toFixed(2)}×, ${delta(script - baseScript)})`;
      if (!hubspot) line += `   first <head> script at ${ms(median(s.firstScript))} (${delta(median(s.firstScript) - median(base.firstScript))})`;
      console.log(line);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
