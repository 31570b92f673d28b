// The offline HubSpot simulator (tests/site) + helpers to act on its pages via window.hsSim.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './driver.mjs';
import { waitForApiState } from './panel-ui.mjs';

export const SITE_DIR = path.join(REPO_ROOT, 'tests/site');

export function siteAvailable() {
  return fs.existsSync(path.join(SITE_DIR, 'server.mjs'));
}

export async function startSite() {
  const { startServer } = await import(path.join(SITE_DIR, 'server.mjs'));
  return startServer({ port: 0 });
}

// A page without any HubSpot code, used while tests/site has no no-hubspot.html of its own.
const NO_HUBSPOT_FALLBACK = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>No chat here</title><link rel="icon" href="data:,"><script src="page-common.js"></script></head>
<body><h1>A page without HubSpot</h1><p>No embed code on this page.</p></body></html>`;

/** Serve no-hubspot.html from the harness if the simulator site does not have it (yet). */
export async function ensureNoHubspotPage(context) {
  if (fs.existsSync(path.join(SITE_DIR, 'no-hubspot.html'))) return;
  await context.route('**/no-hubspot.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html; charset=utf-8', body: NO_HUBSPOT_FALLBACK,
  }));
}

/** Wait until the simulated chat iframe loaded (hsSim.ready()). */
export function simReady(page, timeoutMs = 10000) {
  return page.evaluate((ms) => window.hsSim.ready(ms), timeoutMs);
}

/** Wait for the simulator's HubSpotConversations object #`generation` with its chat iframe loaded. */
export function simGeneration(page, generation, { timeout = 10000 } = {}) {
  return page.waitForFunction((g) => {
    const st = window.hsSim && window.hsSim.state();
    return st && st.generation === g && st.ready && st.loaded;
  }, generation, { timeout }).catch((e) => { throw new Error(`simulator generation ${generation} ready: ${e.message}`); });
}

/**
 * The chat iframe emits `name` with `payload`; resolves with the loader's dispatch record.
 * hsSim.emit() gives up after 100 ms; on a loaded machine the cross-origin round trip can take
 * longer, so this also listens for the dispatch itself (up to `timeoutMs`).
 * Throws if the loader never dispatched it (the event was lost in the simulator itself).
 */
export async function emit(page, name, payload, { timeoutMs = 10000 } = {}) {
  const rec = await page.evaluate(([n, p, ms]) => new Promise((resolve) => {
    const sim = window.hsSim;
    const want = JSON.stringify(p === null ? sim.payloadFor(n) : p);
    let done = false;
    const finish = (v) => {
      if (done) return;
      done = true;
      window.removeEventListener('hubspot-sim:dispatched', onDispatch);
      clearTimeout(timer);
      resolve(v);
    };
    const onDispatch = (e) => {
      const d = e.detail;
      if (d && d.eventType === n && JSON.stringify(d.payload) === want) finish(d);
    };
    window.addEventListener('hubspot-sim:dispatched', onDispatch);
    const timer = setTimeout(() => finish(null), ms);
    sim.emit(n, p === null ? undefined : p).then((r) => { if (r) finish(r); });
  }), [name, payload ?? null, timeoutMs]);
  if (!rec) throw new Error(`simulator did not dispatch ${name} within ${timeoutMs} ms`);
  return rec;
}

/** A payload for conversationStarted/Closed with a given conversation id. */
export function conversation(id) {
  return { conversation: { conversationId: id } };
}

/** JSON fragment that a row showing conversation `id` contains. */
export function conversationFragment(id) {
  return `"conversationId":${id}`;
}

let counter = Math.floor(Math.random() * 1e6) * 1000;
/** A fresh number for unique payloads. */
export function uniqueId() {
  counter += 1;
  return counter;
}

/**
 * Batches written as the hook writes them (a `hubspot-chat-inspector:page` event), `batches` of
 * `size` records of document `doc`, seq `first` on; `record(seq, i)` is the record's rest (i: its
 * index in the batch). Built in the page, so 100,000 records cost one evaluate per call.
 */
export function dispatchBatches(page, { doc, first, batches, size, record }) {
  return page.evaluate(`((doc, first, batches, size, make) => {
    let seq = first;
    for (let b = 0; b < batches; b++) {
      const records = [];
      for (let i = 0; i < size; i++, seq++) records.push({ seq, t: seq, ...make(seq, i) });
      const detail = JSON.stringify({ v: 1, doc, url: location.href, time_origin: performance.timeOrigin, dropped: 0, records });
      document.dispatchEvent(new CustomEvent('hubspot-chat-inspector:page', { detail }));
    }
  })(${JSON.stringify(doc)}, ${first}, ${batches}, ${size}, ${record.toString()})`);
}

/**
 * Waits until the relay listens in `page` (the simulator's index.html) for the panel `panel`
 * watching it. A panel tab is ready before the relay it injected listens in the page (on a busy
 * machine: seconds), and a batch dispatched before is lost. The relay's hello brings the hook's
 * own document (its API "ready"): once the panel shows it, the relay listens, and no later switch
 * of document (Preserve log off: the log is cleared) comes between the caller's batches. (A probe
 * record sent earlier could arrive before the page's own document, then be cleared by it.)
 */
export function untilRelayListens(panel, { timeout = 60000 } = {}) {
  return waitForApiState(panel, 'ready', { timeout });
}
