// make bench: the background hub as the worker runs it — the BUILT wasm (dist/chrome/pkg) in Node —
// fed a 20,000-event flood as the relay sends it (slices of 150 records, each batch JSON text inside
// the relay's message), with one panel subscribed, so each batch also makes its storage chunks and
// its panel update. Prints the medians over RUNS floods of: the time in the hub's calls (decoding,
// logging, encoding, and handing the effects out of wasm) and the shim's JSON.parse of the effect
// lists (background.js `apply`), and the characters handed to the shim. No browser: what the
// worker's own code costs per flood, without what the browser does with the effects.
//
//   node tests/bench/hub.mjs        env: BENCH_HUB_RUNS (default 7), BENCH_HUB_PKG (default dist/chrome/pkg)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../harness/driver.mjs';

const PKG = path.resolve(REPO_ROOT, process.env.BENCH_HUB_PKG || 'dist/chrome/pkg');
const RUNS = Number(process.env.BENCH_HUB_RUNS || 7);
const EVENTS = 20000;
const PER_BATCH = 150;
const TAB = 1;
const URL = 'https://shop.example.test/';

const { default: init, BackgroundHub } = await import(pathToFileURL(path.join(PKG, 'background.js')).href);
await init({ module_or_path: fs.readFileSync(path.join(PKG, 'background_bg.wasm')) });

/** The relay's messages for the flood: records as the hook makes them for the chat's events. */
function floodMessages() {
  const messages = [];
  for (let seq = 0, batch = 1; seq < EVENTS; batch++) {
    const records = [];
    while (records.length < PER_BATCH && seq < EVENTS) {
      seq++;
      records.push({
        k: 'event', seq, t: seq, name: 'conversationStarted', via: 'iframe',
        payload: { conversation: { conversationId: seq, threadId: 1000 + seq }, text: `hello from the flood ${seq}` },
      });
    }
    const data = JSON.stringify({ v: 1, doc: 'bench', url: URL, time_origin: 0, dropped: 0, records });
    messages.push(JSON.stringify({ v: 1, type: 'page', batch, data }));
  }
  return messages;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const messages = floodMessages();
const samples = [];
for (let run = 0; run < RUNS; run++) {
  const hub = new BackgroundHub('{}');
  hub.panel_connected(1);
  hub.panel_message(1, JSON.stringify({ v: 1, type: 'subscribe', tab: TAB }));
  let hubMs = 0, parseMs = 0, chars = 0;
  for (const message of messages) {
    let t = performance.now();
    const out = hub.relay_message(TAB, URL, message, Date.now());
    hubMs += performance.now() - t;
    // Builds before the 19th session returned the effects as one JSON text (BENCH_HUB_PKG for an A/B).
    const texts = typeof out === 'string' ? [out] : out;
    t = performance.now();
    JSON.parse(texts[0]);
    parseMs += performance.now() - t;
    for (const text of texts) chars += text.length;
  }
  samples.push({ hubMs, parseMs, chars });
  hub.free();
}
const hubMs = median(samples.map((s) => s.hubMs));
const parseMs = median(samples.map((s) => s.parseMs));
console.log(`background hub (wasm, ${EVENTS} events in ${messages.length} relay batches, a panel subscribed, median of ${RUNS}):`);
console.log(`  in the hub's calls ${hubMs.toFixed(1)} ms (${(1000 * hubMs / EVENTS).toFixed(2)} µs/event); ` +
  `parsing the effect lists ${parseMs.toFixed(1)} ms; handed to the shim ${(samples[0].chars / 1e6).toFixed(2)} M characters`);
