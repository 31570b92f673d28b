// make bench, the page side of the BUILT extension (issue 10, point 5): what it costs the pages it
// runs in, measured side by side in one run, each variant in its own browser launched once and
// reused, the variants interleaved (rotated order per run), medians, ratios to "none".
//
// Chromium variants:
//   none          no extension
//   noise         a second no-extension browser: the noise control (its ratio to "none" is noise)
//   ext           dist/chrome, DevTools closed
//   panel         dist/chrome in its own browser, the REAL devtools panel "HubSpot Chat" open for the tab
//   devtools      no extension, DevTools open for the tab (what DevTools alone costs: the reference for "panel")
//   floor         an extension whose only content script is an EMPTY MAIN-world script at document_start
// Firefox: none / ext (dist/firefox), the flood only.
//
// Measures:
//   flood     tests/site/index.html?panel=off, hsSim.flood(N): the chat iframe posts N external-api-event
//             messages back to back. Chromium: CDP Performance.getMetrics of the PAGE target, TaskDuration
//             (main-thread busy time), ScriptDuration and ThreadTime (the main thread's CPU time: busy time
//             without the waits for a core that other processes, the extension's included, took) deltas
//             from just before the flood until the page is quiet again (< 1% busy over 250 ms). The chat
//             iframe is cross-site (127.0.0.1 vs localhost), so with site isolation it runs in its own
//             process and none of its work is counted (checked: `chatIframeOutOfProcess`). Firefox has no
//             such metrics: the wall time from the flood's start until the page's loader handled the last
//             event, measured in the page.
//   load      a page without HubSpot (tests/hook/fixtures/bench.html), fresh tab per load: when its first
//             <head> script ran (window.firstScriptAt, from the HTML's first byte) and ScriptDuration at `load`.
//             Also "asleep": the `ext` browser with its service worker stopped before each load (as after
//             30 s idle, the usual state when a page is opened), and whether the load woke it.
//   same tab  the same page loaded again and again in ONE tab per variant (?n=1, 2, ...): a navigation
//             within a site, in the renderer process of the previous page, where V8's in-memory
//             compilation cache already holds the content script. A fresh tab is a new process: the hook
//             is compiled from its source every time.
//   traced    (the `ext` browser only, in loads of their own: tracing slows a load) what the extension's
//             own scripts cost at load, from a CDP trace: compiling them (v8.compile), running their top
//             level (v8.run) and their listeners (FunctionCall), a fresh tab and the same tab.
//   latency   (panel only) N events 20 ms apart from the chat iframe (hsSim.emitSeries), from each post in
//             the iframe to its row in the panel's DOM (a MutationObserver in the panel frame), both clocks
//             performance.timeOrigin + now(): a series right after the panel opened (shown apart: DevTools'
//             own front end still boots then, on the same cores), and the figure's series 2 s later.
//
//   node tests/bench/page.mjs      env: BENCH_RUNS (default 9), BENCH_LOADS (loads per run, default 8),
//                                  BENCH_SMOKE=1 (tiny sizes), BENCH_FIREFOX=0
// Writes target/bench/page.json (all samples, medians, figures). runPageBench() is also the smoke test's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromium from '../harness/chromium.mjs';
import * as firefox from '../harness/firefox.mjs';
import { REPO_ROOT, pollUntil, sleep } from '../harness/driver.mjs';
import { startSite, simReady } from '../harness/site.mjs';
import { waitForPanelReady } from '../harness/panel-ui.mjs';
import { startServer as startFixtureServer } from '../hook/lib.mjs';

export const OUT_DIR = path.join(REPO_ROOT, 'target/bench');
const FLOOD_PAGE = 'index.html?panel=off';
const NO_HUBSPOT_PAGE = 'bench.html';
const QUIET = { windowMs: 250, maxBusyMs: 2.5, timeoutMs: 60000 };
const LATENCY_ID_BASE = 2000000000; // hsSim's series payloads: conversationId = base + i (i from 1)

export function options(env = process.env) {
  const smoke = env.BENCH_SMOKE === '1';
  return {
    runs: Number(env.BENCH_RUNS || 9),
    smoke,
    floodEvents: smoke ? 200 : 20000,
    latencyEvents: smoke ? 5 : 50,
    latencyGapMs: 20,
    // The first-script figure is the noisiest (a few ms from one load to the next): 8 loads per run.
    loadsPerRun: smoke ? 1 : Number(env.BENCH_LOADS || 8),
    tracedLoadsPerRun: smoke ? 1 : 2,
    warmUp: !smoke,
    controls: !smoke, // the noise-control and DevTools-alone browsers (not figures of their own)
    firefox: env.BENCH_FIREFOX !== '0',
    out: path.join(OUT_DIR, smoke ? 'page-smoke.json' : 'page.json'),
  };
}

// ------------------------------------------------------------------------------ variants

const CHROMIUM_VARIANTS = [
  { key: 'none', label: 'no extension', extension: null },
  { key: 'noise', label: 'no extension (noise control)', extension: null, control: true },
  { key: 'ext', label: 'extension, DevTools closed', extension: chromium.DIST_CHROME },
  { key: 'panel', label: 'extension, panel open', extension: chromium.DIST_CHROME, panel: true },
  { key: 'devtools', label: 'no extension, DevTools open', extension: null, devtools: true, control: true },
  { key: 'floor', label: 'empty MAIN-world script (floor)', extension: 'floor' },
];
const LOAD_VARIANTS = ['none', 'noise', 'ext', 'floor'];

/** The load variants: LOAD_VARIANTS, and "asleep" (the `ext` browser, its worker stopped before each load). */
function loadVariantsOf(chromiumList) {
  const list = chromiumList.filter((v) => LOAD_VARIANTS.includes(v.key));
  const ext = list.find((v) => v.key === 'ext');
  return ext ? [...list, { ...ext, key: 'asleep', stopWorker: true }] : list;
}

/** The same-tab load variants: LOAD_VARIANTS again, each a copy that keeps a tab of its own across its loads. */
const sameTabVariantsOf = (chromiumList) => chromiumList.filter((v) => LOAD_VARIANTS.includes(v.key)).map((v) => ({ ...v }));
const FIREFOX_VARIANTS = [
  { key: 'none', label: 'no extension', extension: null },
  { key: 'ext', label: 'extension, DevTools closed', extension: firefox.DIST_FIREFOX },
];

/** An MV3 extension whose only content script is an empty MAIN-world script at document_start. */
export function writeFloorExtension(dir = path.join(OUT_DIR, 'floor-ext')) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    manifest_version: 3,
    name: 'Bench floor: an empty content script',
    version: '1.0',
    content_scripts: [{ matches: ['http://*/*', 'https://*/*'], js: ['empty.js'], run_at: 'document_start', world: 'MAIN' }],
  }, null, 2));
  fs.writeFileSync(path.join(dir, 'empty.js'), '');
  return dir;
}

/** Launches every variant's browser at once; if one fails, closes the others. */
async function launchAll(list, launch) {
  const settled = await Promise.allSettled(list.map(async (v) => ({ ...v, h: await launch(v) })));
  const launched = settled.filter((r) => r.status === 'fulfilled').map((r) => r.value);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) {
    await closeAll(launched);
    throw failed.reason;
  }
  return launched;
}

async function closeAll(variants) {
  for (const v of variants) await v.h.close().catch(() => {});
}

/** Run i takes the variants in a rotated order, so no variant always goes first or last. */
const rotated = (list, i) => list.map((_, k) => list[(k + i) % list.length]);

// ------------------------------------------------------------------------------ Chromium metrics

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const get = (name) => 1000 * list.find((m) => m.name === name).value;
  return { busyMs: get('TaskDuration'), scriptMs: get('ScriptDuration'), cpuMs: get('ThreadTime') };
}

/** Waits until the page is quiet (under 1% busy for 250 ms); returns the metrics at the START of that window. */
async function quietMetrics(cdp, { windowMs, maxBusyMs, timeoutMs } = QUIET) {
  const deadline = Date.now() + timeoutMs;
  let previous = await metrics(cdp);
  for (;;) {
    await sleep(windowMs);
    const current = await metrics(cdp);
    if (current.busyMs - previous.busyMs < maxBusyMs) return previous;
    if (Date.now() > deadline) throw new Error(`the page did not become quiet within ${timeoutMs} ms`);
    previous = current;
  }
}

async function performanceSession(h, page) {
  const cdp = await h.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return cdp;
}

/** DevTools for the tab without any extension panel (Target.openDevTools); returns its closer. */
async function openPlainDevtools(h, page) {
  const { targetId } = await h.cdp.send('Target.openDevTools', { targetId: await h.targetIdOf(page) });
  await pollUntil(async () => (await h.targets()).some((t) => t.targetId === targetId), { message: 'the devtools window' });
  await sleep(1000); // the frontend boots and attaches its agents to the page
  return { close: () => h.cdp.send('Target.closeTarget', { targetId }).catch(() => {}) };
}

async function openDevtoolsFor(variant, page) {
  if (variant.panel) {
    const panel = await variant.h.openDevtoolsPanel(page);
    await waitForPanelReady(panel);
    return panel;
  }
  if (variant.devtools) return openPlainDevtools(variant.h, page);
  return null;
}

/** Is the page's chat iframe a target of its own (an out-of-process frame)? */
async function chatIframeOutOfProcess(h) {
  return (await h.targets()).some((t) => t.type === 'iframe' && t.url.includes('chat-iframe'));
}

/** The page side of hsSim.flood(n) in one fresh tab: busy and script time from the flood to quiet. */
async function chromiumFlood(variant, siteUrl, n) {
  const page = await variant.h.newPage(siteUrl(FLOOD_PAGE));
  let devtools = null;
  try {
    await simReady(page);
    devtools = await openDevtoolsFor(variant, page);
    const cdp = await performanceSession(variant.h, page);
    const before = await quietMetrics(cdp);
    const { dispatched, wallMs, firstEventMs } = await floodInPage(page, n);
    const after = await quietMetrics(cdp);
    if (dispatched !== n) throw new Error(`${variant.key}: the loader dispatched ${dispatched} of ${n} flood events`);
    return {
      busyMs: after.busyMs - before.busyMs,
      scriptMs: after.scriptMs - before.scriptMs,
      cpuMs: after.cpuMs - before.cpuMs,
      wallMs,
      firstEventMs,
      chatIframeOutOfProcess: await chatIframeOutOfProcess(variant.h),
    };
  } finally {
    await devtools?.close();
    await page.close().catch(() => {});
  }
}

/**
 * In the page: hsSim.flood(n), and the time until its loader handled the last event. Counts the
 * dispatches itself: hsSim.flood() gives up 300 ms without one, and with DevTools open the first can
 * take longer to arrive.
 */
function floodInPage(page, n) {
  return page.evaluate((count) => new Promise((resolve) => {
    const start = performance.now();
    let dispatched = 0;
    let firstAt = NaN;
    let lastAt = NaN;
    const finish = () => {
      window.removeEventListener('hubspot-sim:dispatched', onDispatch);
      clearTimeout(timer);
      resolve({ dispatched, wallMs: lastAt - start, firstEventMs: firstAt - start });
    };
    const onDispatch = (e) => {
      if (e.detail.via !== 'iframe' || e.detail.eventType !== 'unreadConversationCountChanged') return;
      lastAt = performance.now();
      if (dispatched++ === 0) firstAt = lastAt;
      if (dispatched >= count) finish();
    };
    const timer = setTimeout(finish, 60000);
    window.addEventListener('hubspot-sim:dispatched', onDispatch);
    window.hsSim.flood(count);
  }), n);
}

/** A page without HubSpot in a fresh tab: when its first <head> script ran, and ScriptDuration at `load`. */
async function chromiumLoad(variant, url) {
  let starts = null;
  if (variant.stopWorker) {
    await variant.h.stopServiceWorker();
    starts = variant.h.swStarts;
  }
  await sleep(200); // every variant alike: a stop's own work done, the previous load's too
  const page = await variant.h.context.newPage();
  try {
    const cdp = await performanceSession(variant.h, page);
    await page.goto(url, { waitUntil: 'load' });
    const { scriptMs } = await metrics(cdp);
    return { firstScriptMs: await firstScriptAt(page), scriptMs, ...(starts === null ? {} : { woke: variant.h.swStarts > starts }) };
  } finally {
    await page.close().catch(() => {});
  }
}

/** When the page's first <head> script ran, from the first byte of its HTML (the server's and the network's time is not the extension's). */
const firstScriptAt = (page) => page.evaluate(() => window.firstScriptAt - performance.getEntriesByType('navigation')[0].responseStart);

/** `url` again in a kept tab: a query of its own each time, so it is a new navigation. */
const againIn = (tab, url) => `${url}?n=${++tab.loads}`;

/**
 * The same page again in the variant's own tab (opened at its first load): a navigation within the
 * site, so the renderer process, and V8's compilation cache in it, are the previous page's.
 */
async function sameTabLoad(variant, url) {
  variant.tab ??= await openSameTab(variant.h);
  const { page, cdp } = variant.tab;
  await sleep(200);
  await page.goto(againIn(variant.tab, url), { waitUntil: 'load' });
  const { scriptMs } = await metrics(cdp); // the new document's: a navigation starts the count again
  return { firstScriptMs: await firstScriptAt(page), scriptMs };
}

async function openSameTab(h) {
  const page = await h.context.newPage();
  return { page, cdp: await performanceSession(h, page), loads: 0 };
}

/** The extension's own scripts at one load of `url`, from a CDP trace: compile, top level, listeners (ms). */
async function tracedLoad(h, url, tab) {
  const page = tab ? tab.page : await h.context.newPage();
  const cdp = await h.context.newCDPSession(page);
  try {
    await sleep(200);
    const events = [];
    cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,v8,v8.execute', transferMode: 'ReportEvents' });
    await page.goto(tab ? againIn(tab, url) : url, { waitUntil: 'load' });
    await cdp.send('Tracing.end');
    await complete;
    return extensionScriptTime(events);
  } finally {
    await cdp.detach().catch(() => {});
    if (!tab) await page.close().catch(() => {});
  }
}

/** Sums the trace's complete events whose script is the extension's: {compileMs, runMs, listenersMs}. */
function extensionScriptTime(events) {
  const sums = { compileMs: 0, runMs: 0, listenersMs: 0 };
  const field = { 'v8.compile': 'compileMs', 'v8.run': 'runMs', FunctionCall: 'listenersMs' };
  for (const e of events) {
    const data = e.args?.data;
    const url = data?.url ?? e.args?.fileName ?? '';
    if (e.ph === 'X' && field[e.name] && /^(?:chrome|moz)-extension:/.test(url)) sums[field[e.name]] += (e.dur ?? 0) / 1000;
  }
  return sums;
}

/**
 * Ms from each event's post in the chat iframe to its row in the devtools panel's DOM: a series
 * right after the panel opened (`opening`: DevTools' own front end still boots on the same cores,
 * and the panel loads its log), and the same series once that is over (`settled`: 2 s later).
 */
async function panelLatency(variant, siteUrl, n, gapMs) {
  const page = await variant.h.newPage(siteUrl(FLOOD_PAGE));
  let panel = null;
  const series = async () => {
    await panel.evaluate(() => { for (const id of Object.keys(window.__benchShown)) delete window.__benchShown[id]; });
    const posted = await page.evaluate(([count, gap]) => window.hsSim.emitSeries(count, gap), [n, gapMs]);
    if (!posted || posted.length !== n) throw new Error(`hsSim.emitSeries(${n}) answered ${JSON.stringify(posted)}`);
    const shown = await panel.waitFor(`(() => { const s = window.__benchShown; return Object.keys(s).length >= ${n} && s; })()`,
      { timeout: 30000, message: `${n} conversationStarted rows in the panel` });
    return posted.map((at, i) => shown[LATENCY_ID_BASE + i + 1] - at);
  };
  try {
    await simReady(page);
    panel = await openDevtoolsFor(variant, page);
    await panel.evaluate(stampRowsWhenShown);
    const opening = await series();
    await sleep(2000);
    return { opening, settled: await series() };
  } finally {
    await panel?.close();
    await page.close().catch(() => {});
  }
}

/** Runs in the panel: stamps the first time each conversationStarted row (by its conversationId) is in the DOM. */
function stampRowsWhenShown() {
  const shown = {};
  const seen = new WeakSet();
  const stamp = () => {
    const now = performance.timeOrigin + performance.now();
    for (const row of document.querySelectorAll('[data-event-name="conversationStarted"]')) {
      if (seen.has(row)) continue;
      seen.add(row);
      const id = /"conversationId":\s*(\d+)/.exec(row.textContent + (row.getAttribute('title') ?? ''))?.[1];
      if (id && !(id in shown)) shown[id] = now;
    }
  };
  window.__benchShown = shown;
  new MutationObserver(stamp).observe(document.body, { childList: true, subtree: true, characterData: true });
  return true;
}

// ------------------------------------------------------------------------------ Firefox

async function firefoxFlood(variant, siteUrl, n) {
  const page = await variant.h.newPage(siteUrl(FLOOD_PAGE));
  try {
    await simReady(page);
    await sleep(300); // let the page settle, as the Chromium side waits for quiet
    const { dispatched, wallMs } = await floodInPage(page, n);
    if (dispatched !== n) throw new Error(`firefox ${variant.key}: the loader dispatched ${dispatched} of ${n} flood events`);
    return { wallMs };
  } finally {
    await page.close().catch(() => {});
  }
}

// ------------------------------------------------------------------------------ the run

export const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
/** Nearest-rank percentile. */
export const percentile = (xs, p) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

function emptySamples(keys, fields) {
  return Object.fromEntries(keys.map((k) => [k, Object.fromEntries(fields.map((f) => [f, []]))]));
}

function push(samples, key, result) {
  for (const [field, value] of Object.entries(result)) samples[key][field]?.push(value);
}

/** Every variant's browser, started at once (Firefox takes ~8 s to start): {chromium, firefox} variant lists. */
async function launchBrowsers(chromiumVariants, firefoxVariants, floorDir) {
  const [c, f] = await Promise.allSettled([
    launchAll(chromiumVariants, (v) => chromium.launch({ extension: v.extension === 'floor' ? floorDir : v.extension })),
    launchAll(firefoxVariants, (v) => firefox.launch({ extension: v.extension })),
  ]);
  const launched = { chromium: c.value ?? [], firefox: f.value ?? [] };
  const failed = [c, f].find((r) => r.status === 'rejected');
  if (failed) {
    await closeAll([...launched.chromium, ...launched.firefox]);
    throw failed.reason;
  }
  return launched;
}

async function browserVersions(launched) {
  return {
    chromium: (await launched.chromium[0].h.cdp.send('Browser.getVersion')).product,
    firefox: launched.firefox.length ? await launched.firefox[0].h.browser.version() : undefined,
  };
}

/** One interleaved run: every measure in every variant, the variants' order rotated by `run`. */
async function measureRun(run, launched, servers, opts, samples, progress) {
  const loadVariants = loadVariantsOf(launched.chromium);
  progress(`run ${run + 1}/${opts.runs}: flood`);
  for (const v of rotated(launched.chromium, run)) push(samples.flood, v.key, await chromiumFlood(v, servers.siteUrl, opts.floodEvents));
  progress('page without HubSpot');
  for (let i = 0; i < opts.loadsPerRun; i++) {
    for (const v of rotated(loadVariants, run + i)) push(samples.load, v.key, await chromiumLoad(v, servers.noHubspotUrl));
  }
  progress('page without HubSpot, the same tab');
  for (let i = 0; i < opts.loadsPerRun; i++) {
    for (const v of rotated(launched.sameTab, run + i)) push(samples.loadSameTab, v.key, await sameTabLoad(v, servers.noHubspotUrl));
  }
  progress('page without HubSpot, traced');
  const ext = launched.sameTab.find((v) => v.key === 'ext');
  for (let i = 0; i < opts.tracedLoadsPerRun; i++) {
    push(samples.traced, 'fresh', await tracedLoad(ext.h, servers.noHubspotUrl, null));
    push(samples.traced, 'sameTab', await tracedLoad(ext.h, servers.noHubspotUrl, ext.tab));
  }
  progress('latency');
  const panelVariant = launched.chromium.find((v) => v.panel);
  const latency = await panelLatency(panelVariant, servers.siteUrl, opts.latencyEvents, opts.latencyGapMs);
  samples.latencyMs.push(...latency.settled);
  samples.latencyOpeningMs.push(...latency.opening);
  progress('firefox flood');
  for (const v of rotated(launched.firefox, run)) push(samples.firefoxFlood, v.key, await firefoxFlood(v, servers.siteUrl, opts.floodEvents));
}

/** A first, smaller round in every variant, not recorded: caches and compilers of the browsers warmed up. */
async function warmUp(launched, servers, opts) {
  const n = Math.min(2000, opts.floodEvents);
  for (const v of launched.chromium) await chromiumFlood(v, servers.siteUrl, n);
  for (const v of loadVariantsOf(launched.chromium)) await chromiumLoad(v, servers.noHubspotUrl);
  for (const v of launched.sameTab) await sameTabLoad(v, servers.noHubspotUrl);
  for (const v of launched.firefox) await firefoxFlood(v, servers.siteUrl, n);
}

export async function runPageBench(opts = options(), { quiet = false } = {}) {
  const started = Date.now();
  const progress = (what) => { if (!quiet) console.error(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`); };
  const chromiumVariants = CHROMIUM_VARIANTS.filter((v) => opts.controls || !v.control);
  const firefoxVariants = opts.firefox ? FIREFOX_VARIANTS : [];
  const samples = {
    flood: emptySamples(chromiumVariants.map((v) => v.key), ['busyMs', 'scriptMs', 'cpuMs', 'wallMs', 'firstEventMs', 'chatIframeOutOfProcess']),
    load: emptySamples(loadVariantsOf(chromiumVariants).map((v) => v.key), ['firstScriptMs', 'scriptMs', 'woke']),
    loadSameTab: emptySamples(sameTabVariantsOf(chromiumVariants).map((v) => v.key), ['firstScriptMs', 'scriptMs']),
    traced: emptySamples(['fresh', 'sameTab'], ['compileMs', 'runMs', 'listenersMs']),
    latencyMs: [],
    latencyOpeningMs: [],
    firefoxFlood: emptySamples(firefoxVariants.map((v) => v.key), ['wallMs']),
  };
  const site = await startSite();
  const fixtures = await startFixtureServer();
  const servers = { siteUrl: (rel) => new URL(rel, site.url).href, noHubspotUrl: fixtures.page(NO_HUBSPOT_PAGE) };
  let launched = { chromium: [], firefox: [] };
  let browsers;
  try {
    launched = await launchBrowsers(chromiumVariants, firefoxVariants, writeFloorExtension());
    launched.sameTab = sameTabVariantsOf(launched.chromium); // the same browsers, a kept tab each
    browsers = await browserVersions(launched);
    progress('browsers launched');
    if (opts.warmUp) {
      progress('warm-up (not recorded)');
      await warmUp(launched, servers, opts);
    }
    for (let run = 0; run < opts.runs; run++) await measureRun(run, launched, servers, opts, samples, progress);
  } finally {
    await closeAll([...launched.chromium, ...launched.firefox]);
    await fixtures.close();
    await site.close();
  }
  const medians = mediansOf(samples);
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), loadAverageAtEnd: os.loadavg().map((x) => Number(x.toFixed(1))) },
    browsers,
    options: { ...opts, out: undefined },
    durationS: Math.round((Date.now() - started) / 1000),
    variants: Object.fromEntries([...chromiumVariants.map((v) => [`chromium.${v.key}`, v.label]),
      ...firefoxVariants.map((v) => [`firefox.${v.key}`, v.label])]),
    figures: figuresOf(medians, samples, opts),
    medians,
    samples,
  };
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, JSON.stringify(report, null, 1));
  return report;
}

function mediansOf(samples) {
  const of = (group) => Object.fromEntries(Object.entries(group).map(([key, fields]) => [key,
    Object.fromEntries(Object.entries(fields).filter(([, xs]) => typeof xs[0] !== 'boolean').map(([f, xs]) => [f, median(xs)]))]));
  return { flood: of(samples.flood), load: of(samples.load), loadSameTab: of(samples.loadSameTab), traced: of(samples.traced), firefoxFlood: of(samples.firefoxFlood) };
}

// ------------------------------------------------------------------------------ figures

/**
 * The issue's figures: `value` for the extension (or the panel), `floor` for the empty script,
 * `noise` for the second no-extension browser, each against the same run's "none".
 */
export function figuresOf(m, samples, opts) {
  // undefined (a blank cell) for a variant this run left out
  const ratio = (group, field, key) => (m[group][key] ? m[group][key][field] / m[group].none[field] : undefined);
  const delta = (group, field, key) => (m[group][key] ? m[group][key][field] - m[group].none[field] : undefined);
  const ffRatio = opts.firefox ? m.firefoxFlood.ext.wallMs / m.firefoxFlood.none.wallMs : NaN;
  const n = opts.floodEvents.toLocaleString('en-US');
  return [
    { id: 'flood_busy_closed', figure: `page busy time, ${n}-event flood, DevTools closed`, unit: '×', target: 1.05,
      value: ratio('flood', 'busyMs', 'ext'), floor: ratio('flood', 'busyMs', 'floor'), noise: ratio('flood', 'busyMs', 'noise') },
    { id: 'flood_busy_panel', figure: `page busy time, ${n}-event flood, panel open`, unit: '×', target: 1.25,
      value: ratio('flood', 'busyMs', 'panel'), reference: ratio('flood', 'busyMs', 'devtools'), noise: ratio('flood', 'busyMs', 'noise') },
    // Busy time is wall time: on 2 cores it also counts the page waiting for a core while other
    // processes run, the extension's worker among them. The main thread's CPU time leaves that out
    // (no target of its own).
    { id: 'flood_cpu_closed', figure: `page main-thread CPU time, ${n}-event flood, DevTools closed`, unit: '×', target: null,
      value: ratio('flood', 'cpuMs', 'ext'), floor: ratio('flood', 'cpuMs', 'floor'), noise: ratio('flood', 'cpuMs', 'noise') },
    { id: 'flood_cpu_panel', figure: `page main-thread CPU time, ${n}-event flood, panel open`, unit: '×', target: null,
      value: ratio('flood', 'cpuMs', 'panel'), reference: ratio('flood', 'cpuMs', 'devtools'), noise: ratio('flood', 'cpuMs', 'noise') },
    { id: 'flood_script_closed', figure: `page script time, ${n}-event flood, DevTools closed`, unit: '×', target: 1.05,
      value: ratio('flood', 'scriptMs', 'ext'), floor: ratio('flood', 'scriptMs', 'floor'), noise: ratio('flood', 'scriptMs', 'noise') },
    { id: 'first_script_delay', figure: 'no HubSpot: first <head> script delayed by', unit: 'ms', target: 0.5,
      value: delta('load', 'firstScriptMs', 'ext'), floor: delta('load', 'firstScriptMs', 'floor'), noise: delta('load', 'firstScriptMs', 'noise') },
    { id: 'first_script_delay_asleep', figure: 'no HubSpot: first <head> script delayed by, worker stopped', unit: 'ms', target: 0.5,
      value: delta('load', 'firstScriptMs', 'asleep') },
    { id: 'load_script', figure: 'no HubSpot: extension script time at load', unit: 'ms', target: 0.5,
      value: delta('load', 'scriptMs', 'ext'), floor: delta('load', 'scriptMs', 'floor'), noise: delta('load', 'scriptMs', 'noise') },
    { id: 'first_script_delay_same_tab', figure: 'no HubSpot: first <head> script delayed by, the same tab again', unit: 'ms', target: 0.5,
      value: delta('loadSameTab', 'firstScriptMs', 'ext'), floor: delta('loadSameTab', 'firstScriptMs', 'floor'), noise: delta('loadSameTab', 'firstScriptMs', 'noise') },
    { id: 'load_script_same_tab', figure: 'no HubSpot: extension script time at load, the same tab again', unit: 'ms', target: 0.5,
      value: delta('loadSameTab', 'scriptMs', 'ext'), floor: delta('loadSameTab', 'scriptMs', 'floor'), noise: delta('loadSameTab', 'scriptMs', 'noise') },
    // Traced, so slower than untraced loads: where the extension's time at load goes, no target of its own.
    ...['fresh', 'sameTab'].flatMap((tab) => [['compileMs', 'compiling'], ['runMs', 'running the top level of'], ['listenersMs', 'the listeners of']]
      .map(([field, what]) => ({ id: `traced_${tab}_${field}`, figure: `no HubSpot, traced: ${what} its scripts, ${tab === 'fresh' ? 'a fresh tab' : 'the same tab again'}`,
        unit: 'ms', target: null, absolute: true, value: m.traced[tab][field] }))),
    { id: 'latency_p50', figure: `event → panel row, p50 (${opts.latencyEvents} events ${opts.latencyGapMs} ms apart)`, unit: 'ms', target: 20,
      value: percentile(samples.latencyMs, 50) },
    { id: 'latency_p95', figure: `event → panel row, p95 (${opts.latencyEvents} events ${opts.latencyGapMs} ms apart)`, unit: 'ms', target: 50,
      value: percentile(samples.latencyMs, 95) },
    { id: 'latency_opening_p50', figure: 'the same, the first second after DevTools opened, p50', unit: 'ms', target: null,
      value: percentile(samples.latencyOpeningMs ?? [], 50) },
    { id: 'latency_opening_p95', figure: 'the same, the first second after DevTools opened, p95', unit: 'ms', target: null,
      value: percentile(samples.latencyOpeningMs ?? [], 95) },
    { id: 'firefox_flood', figure: `Firefox: flood wall time, DevTools closed`, unit: '×', target: null, value: ffRatio },
  ].map((f) => ({ ...f, verdict: verdict(f) }));
}

function verdict(f) {
  if (!Number.isFinite(f.value)) return 'n/a';
  if (f.target === null) return '—';
  return f.value <= f.target ? 'ok' : 'OVER';
}

function format(x, unit) {
  if (!Number.isFinite(x)) return 'n/a';
  if (unit === '×') return `${x.toFixed(2)}×`;
  return `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(2)} ms`;
}

const formatTarget = (f) => (f.target === null ? '—' : `≤ ${f.unit === '×' ? `${f.target.toFixed(2)}×` : `${f.target} ms`}`);

/** The figures as a text table: figure, target, measured, verdict, and the floor/noise/reference columns. */
export function figuresTable(report) {
  const rows = [['figure', 'target', 'measured', 'verdict', 'floor (empty script)', 'noise (2nd none)', 'DevTools alone']];
  for (const f of report.figures) {
    const plain = f.id.startsWith('latency') || f.absolute ? (x) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : 'n/a') : (x) => format(x, f.unit);
    rows.push([f.figure, formatTarget(f), plain(f.value), f.verdict,
      ...[f.floor, f.noise, f.reference].map((x) => (x === undefined ? '' : plain(x)))]);
  }
  return textTable(rows);
}

/** Absolute medians per variant. */
export function mediansTable(report) {
  const m = report.medians;
  const ms = (x) => (Number.isFinite(x) ? x.toFixed(2) : '');
  const rows = [['variant', 'flood busy ms', 'flood script ms', 'flood CPU ms', 'flood wall ms', 'first script at ms', 'script at load ms',
    'same tab: first script at ms', 'same tab: script at load ms']];
  for (const [key, label] of Object.entries(report.variants)) {
    const [browser, k] = key.split('.');
    const flood = browser === 'firefox' ? m.firefoxFlood[k] : m.flood[k];
    const load = browser === 'chromium' ? m.load[k] : undefined;
    const again = browser === 'chromium' ? m.loadSameTab[k] : undefined;
    if (!flood) continue;
    rows.push([`${browser}: ${label}`, ms(flood.busyMs), ms(flood.scriptMs), ms(flood.cpuMs), ms(flood.wallMs), ms(load?.firstScriptMs), ms(load?.scriptMs),
      ms(again?.firstScriptMs), ms(again?.scriptMs)]);
  }
  return textTable(rows);
}

function textTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  const line = (r) => r.map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length)).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

// ------------------------------------------------------------------------------ main

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = options();
  const report = await runPageBench(opts);
  console.log(`\nPage side of the built extension (${report.browsers.chromium}${report.browsers.firefox ? `, ${report.browsers.firefox}` : ''}; `
    + `${opts.runs} interleaved runs, medians; ${report.machine.cpus} cores, load average ${report.machine.loadAverageAtEnd.join(' ')}; ${report.durationS} s)`);
  console.log(figuresTable(report));
  console.log(`\nMedians per variant (flood: ${opts.floodEvents} events; load: ${opts.runs * opts.loadsPerRun} fresh-tab loads of a page without HubSpot, `
    + `and as many in one tab per variant)`);
  console.log(mediansTable(report));
  console.log(`\nchat iframe out of process (so not in the page's figures): ${report.samples.flood.none.chatIframeOutOfProcess.every(Boolean)}`);
  const woke = report.samples.load.asleep?.woke ?? [];
  console.log(`loads of a page without HubSpot that woke the stopped worker: ${woke.filter(Boolean).length} of ${woke.length}`);
  console.log(`samples and medians: ${path.relative(process.cwd(), opts.out)}`);
}
