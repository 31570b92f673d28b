// extension/contentScript/relay.js under node, without a browser: the classic content script runs
// in a vm context with fakes for chrome.runtime (the background end of the "relay" port and
// tabs.sendMessage), the document with a tiny hook, the window's pagehide/pageshow and timers.
// Run: node --test tests/unit/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const RELAY_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../extension/contentScript/relay.js');
const SOURCE = fs.readFileSync(RELAY_PATH, 'utf8');
const FACTS = JSON.parse(SOURCE.match(/\/\*facts\*\/([\s\S]*?)\/\*end facts\*\//)[1]);

function fakeEvent() {
  const listeners = [];
  return {
    addListener: (f) => listeners.push(f),
    removeListener: (f) => { if (listeners.includes(f)) listeners.splice(listeners.indexOf(f), 1); },
    count: () => listeners.length,
    fire: (...args) => listeners.slice().map((f) => f(...args)),
  };
}

// Timers that run only when the test moves the clock.
function fakeClock() {
  let now = 0;
  let lastId = 0;
  const timers = new Map();
  return {
    setTimeout: (fn, ms = 0) => { timers.set(++lastId, { at: now + ms, fn }); return lastId; },
    clearTimeout: (id) => timers.delete(id),
    now: () => now,
    tick(ms) {
      const end = now + ms;
      for (;;) {
        const [id, next] = [...timers].sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0] ?? [];
        if (!next || next.at > end) break;
        timers.delete(id);
        now = next.at;
        next.fn();
      }
      now = end;
    },
  };
}

// The background: runtime.connect gives ports whose messages are recorded; ack/hello/drop act on one.
function fakeRuntime(clock) {
  const runtime = {
    id: 'this-extension',
    lastError: undefined,
    onMessage: fakeEvent(),
    ports: [],
    connect({ name }) {
      const port = {
        name, open: true, closedByRelay: false, connectedAt: clock.now(), sent: [], onMessage: fakeEvent(), onDisconnect: fakeEvent(),
        postMessage(m) {
          if (!port.open) throw new Error('Attempting to use a disconnected port object');
          port.sent.push(m);
        },
        disconnect() { port.open = false; port.closedByRelay = true; },
      };
      runtime.ports.push(port);
      return port;
    },
    port: () => runtime.ports.at(-1),
    // As the real background: each batch sent is first handled (took, once), then stored (ack).
    took(batch) {
      const port = runtime.port();
      port.took ??= new Set();
      for (const m of port.sent.map((text) => JSON.parse(text))) {
        if (m.type !== 'page' || m.batch > batch || port.took.has(m.batch)) continue;
        port.took.add(m.batch);
        port.onMessage.fire(JSON.stringify({ v: 1, type: 'took', batch: m.batch }));
      }
    },
    ack: (batch) => {
      runtime.took(batch);
      runtime.port().onMessage.fire(JSON.stringify({ v: 1, type: 'ack', batch }));
    },
    hello: () => runtime.port().onMessage.fire('{"v":1,"type":"hello"}'),
    // The service worker stops: the browser closes the port from its end.
    drop() { const p = runtime.port(); p.open = false; p.onDisconnect.fire(p); },
    // tabs.sendMessage(tab, text, {frameId: 0}): the answers the relay gave.
    command(text, sender = { id: runtime.id }) {
      const answers = [];
      runtime.onMessage.fire(text, sender, (a) => answers.push(a));
      return answers;
    },
  };
  return runtime;
}

// A page: its document (with a tiny hook answering hello, call and read_page by a page event), its
// window's pagehide/pageshow, and the relay run in it as a classic script.
function fakePage({ hook = true } = {}) {
  const clock = fakeClock();
  const runtime = fakeRuntime(clock);
  const document = new EventTarget();
  const win = new EventTarget();
  const page = { clock, runtime, document, hookPresent: hook, toHook: [], batches: 0 };
  document.addEventListener(FACTS.relayEvent, (e) => {
    page.toHook.push(e.detail);
    const { type } = JSON.parse(e.detail);
    if (page.hookPresent && ['hello', 'call', 'read_page'].includes(type)) page.emit(JSON.stringify({ v: 1, n: ++page.batches, answer: type }));
  });
  page.emit = (detail) => document.dispatchEvent(new CustomEvent(FACTS.pageEvent, { detail }));
  page.transition = (type, persisted = true) => win.dispatchEvent(Object.assign(new Event(type), { persisted }));
  page.context = vm.createContext({
    document, CustomEvent, chrome: { runtime }, location: { protocol: 'https:' },
    addEventListener: win.addEventListener.bind(win), removeEventListener: win.removeEventListener.bind(win),
    setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
  });
  page.run = () => vm.runInContext(SOURCE, page.context, { filename: 'relay.js' });
  // What reached the background on port i (all ports when omitted), parsed.
  page.sent = (i) => (i === undefined ? runtime.ports : [runtime.ports[i]]).flatMap((p) => p.sent).map((m) => JSON.parse(m));
  page.batchesOn = (i) => page.sent(i).map((m) => m.batch);
  // Acknowledges what the last port was sent until it is sent nothing more: everything kept, in order.
  page.drain = () => {
    const port = runtime.port();
    for (let seen = -1; seen !== port.sent.length;) {
      seen = port.sent.length;
      const last = port.sent.map((m) => JSON.parse(m)).filter((m) => m.type === 'page').at(-1);
      if (last) runtime.ack(last.batch);
    }
    return port.sent.map((m) => JSON.parse(m)).filter((m) => m.type === 'page');
  };
  return page;
}

// A started relay whose hello the hook answered with batch 1 (acknowledged when ack is true).
function started({ ack = false } = {}) {
  const page = fakePage();
  page.run();
  if (ack) page.runtime.ack(1);
  return page;
}

test('facts: one strict JSON object between the markers', () => {
  assert.deepEqual(Object.keys(FACTS), ['version', 'pageEvent', 'relayEvent', 'maxBatchBytes', 'sliceChars', 'sliceRecords', 'maxCommandChars']);
  assert.equal(FACTS.version, 1);
});

test('batches go to the background as JSON text, numbered from 1, with the hook detail unchanged', () => {
  const page = started();
  page.emit('{"v":1,"records":["é\\u2028"]}');
  const port = page.runtime.port();
  assert.equal(page.runtime.ports.length, 1);
  assert.equal(port.name, 'relay');
  assert.ok(port.sent.every((m) => typeof m === 'string'));
  assert.equal(port.sent[1], JSON.stringify({ v: 1, type: 'page', batch: 2, data: '{"v":1,"records":["é\\u2028"]}' }));
  assert.deepEqual(page.sent().map((m) => [m.type, m.batch, JSON.parse(m.data).answer]), [['page', 1, 'hello'], ['page', 2, undefined]]);
});

test('a page event that is not a string of at most maxBatchBytes chars is not forwarded', () => {
  const page = started();
  page.document.dispatchEvent(new CustomEvent(FACTS.pageEvent, { detail: { v: 1 } }));
  page.emit('x'.repeat(FACTS.maxBatchBytes + 1));
  page.emit('x'.repeat(FACTS.maxBatchBytes));
  assert.deepEqual(page.drain().map((m) => m.batch), [1, 2]);
});

test('unacknowledged batches are resent in order after a reconnect, with backoff', () => {
  const page = started();
  page.emit('{"x":2}');
  page.emit('{"x":3}');
  page.runtime.ack(2);
  page.runtime.drop();
  page.clock.tick(99);
  assert.equal(page.runtime.ports.length, 1, 'no reconnect before 100 ms');
  page.clock.tick(1);
  assert.deepEqual(page.batchesOn(1), [3], 'only the unacknowledged batch');
  page.emit('{"x":4}');
  page.runtime.drop();                         // no ack this time: the next attempt waits longer
  page.clock.tick(199);
  assert.equal(page.runtime.ports.length, 2);
  page.clock.tick(1);
  assert.deepEqual(page.sent(2).map((m) => [m.batch, m.data]), [[3, '{"x":3}'], [4, '{"x":4}']]);
});

test('kept batches are bounded to 1000: the oldest not sent yet are dropped', () => {
  const page = started();
  for (let i = 0; i < 1004; i++) page.emit('{}');
  page.runtime.drop();
  page.clock.tick(100);
  const resent = page.drain().map((m) => m.batch);
  assert.equal(resent.length, 1000);
  assert.deepEqual(resent.slice(0, 3), [1, 2, 8], 'the 2 sent wait for their ack; 3 to 7 went');
  assert.equal(resent.at(-1), 1005);
});

test('kept batches are bounded to 8 MiB chars: the oldest not sent yet are dropped', () => {
  const page = started();
  const big = 'x'.repeat(1_000_000);
  for (let i = 0; i < 9; i++) page.emit(big);
  page.runtime.drop();
  page.clock.tick(100);
  assert.deepEqual(page.drain().map((m) => m.batch), [1, 3, 4, 5, 6, 7, 8, 9, 10], '8 batches of 1,000,000 chars fit, 9 do not');
});

function hookBatch(doc, records, dropped = 0) {
  return JSON.stringify({ v: 1, doc, url: 'http://shop.test/', time_origin: 1, dropped, records });
}
function events(from, n, chars) {
  return Array.from({ length: n }, (_, i) => ({ k: 'event', seq: from + i, t: 1, name: 'e', payload: { m: 'x'.repeat(chars) }, via: 'iframe' }));
}

test('a batch over 64 KiB goes in slices of the same document: at most 64 KiB (or one record) and 100 records each, dropped on the first', () => {
  const page = started({ ack: true });
  page.emit(hookBatch('d', events(1, 500, 1800), 7));
  const slices = page.drain().slice(1).map((m) => JSON.parse(m.data));
  assert.ok(slices.length >= 15, `${slices.length} slices`);
  assert.ok(slices.every((b) => JSON.stringify(b).length <= (64 << 10) + 200 && b.records.length <= 100));
  assert.deepEqual(slices.flatMap((b) => b.records.map((r) => r.seq)), Array.from({ length: 500 }, (_, i) => i + 1));
  assert.deepEqual(slices.map((b) => b.dropped), [7, ...Array(slices.length - 1).fill(0)]);
  assert.ok(slices.every((b) => b.doc === 'd' && b.v === 1 && b.url === 'http://shop.test/' && b.time_origin === 1));
  assert.equal(Object.keys(slices[1]).join(), 'v,doc,url,time_origin,dropped,records');
  page.emit(hookBatch('d', events(501, 300, 250)));
  assert.equal(page.drain().length, 1 + slices.length + 3, 'many small records: 100 per slice');
  const notJson = '{' + 'x'.repeat(70000);
  page.emit(notJson);
  assert.equal(page.drain().at(-1).data, notJson, 'what is not a batch goes as it is');
});

test('at most 2 batches or 128 KiB are sent ahead of the acks (at least one); more as acks come', () => {
  const page = started({ ack: true });
  for (let i = 0; i < 6; i++) page.emit(hookBatch('d', events(i + 1, 1, 10)));
  assert.deepEqual(page.batchesOn(), [1, 2, 3]);
  page.runtime.ack(2);
  assert.deepEqual(page.batchesOn(), [1, 2, 3, 4]);
  page.runtime.ack(4);
  assert.deepEqual(page.batchesOn(), [1, 2, 3, 4, 5, 6]);
  page.runtime.ack(6);
  assert.deepEqual(page.batchesOn(), [1, 2, 3, 4, 5, 6, 7]);
  page.runtime.ack(7);
  page.emit(hookBatch('d', events(20, 1, 50000)));
  page.emit(hookBatch('d', events(21, 1, 100000)));
  assert.deepEqual(page.batchesOn().slice(7), [8], 'with 50 K in flight, the next (over 128 KiB in all) waits');
  page.runtime.ack(8);
  assert.deepEqual(page.batchesOn().slice(7), [8, 9], 'alone in the window even when large');
});

test('batches dropped at the bound before they were ever sent are counted in the next batch sent', () => {
  const page = started({ ack: true });
  for (let i = 0; i < 200; i++) page.emit(hookBatch('d', events(i * 100 + 1, 100, 420)));
  const sent = page.drain().slice(1).map((m) => JSON.parse(m.data));
  const seqs = sent.flatMap((b) => b.records.map((r) => r.seq));
  const lost = 200 * 100 - seqs.length;
  assert.ok(lost > 0, 'over 8 MiB: some were dropped');
  assert.equal(sent.reduce((n, b) => n + b.dropped, 0), lost, 'every record lost is counted');
  assert.ok(sent[2].dropped > 0 && sent.slice(3).every((b) => b.dropped === 0), 'in the first batch sent after the drop');
});

test('no reconnect while nothing waits; the next batch connects at once', () => {
  const page = started({ ack: true });
  page.runtime.drop();
  page.clock.tick(60_000);
  assert.equal(page.runtime.ports.length, 1, 'an idle tab does not wake the background');
  page.emit('{}');
  assert.equal(page.runtime.ports.length, 2);
  assert.deepEqual(page.batchesOn(1), [2]);
});

test('from the background, only ack and hello as JSON text count', () => {
  const page = started();
  page.emit('{}');
  const port = page.runtime.port();
  for (const m of [{ v: 1, type: 'ack', batch: 2 }, '{"v":2,"type":"ack","batch":2}', '{"v":1,"type":"ack","batch":"2"}',
    'not json', '{"v":1,"type":"page","batch":9}', 'null']) port.onMessage.fire(m);
  assert.equal(page.toHook.length, 1, 'no hello reached the hook');
  page.runtime.drop();
  page.clock.tick(100);
  assert.deepEqual(page.batchesOn(1), [1, 2], 'nothing was acknowledged');
  page.runtime.hello();
  assert.equal(page.toHook.length, 2);
  assert.deepEqual(page.toHook.map((h) => ({ ...JSON.parse(h), relay: 'id' })), [{ v: 1, type: 'hello', relay: 'id' }, { v: 1, type: 'hello', relay: 'id' }]);
  assert.equal(page.toHook[0], page.toHook[1], 'the same relay id in every hello of this relay');
  assert.deepEqual(page.drain().map((m) => m.batch), [1, 2, 3], 'the hook answered the hello');
});

test('a command from this extension reaches the hook unchanged; the answer says whether the hook answered', () => {
  const page = started({ ack: true });
  const call = '{"v":1,"type":"call","id":3,"method":"widget.load","args":[{"widgetOpen":true}]}';
  assert.deepEqual(page.runtime.command(call), [true]);
  assert.deepEqual(page.runtime.command('{"v":1,"type":"read_page"}'), [true]);
  assert.deepEqual(page.runtime.command('{"v":1,"type":"unknown"}'), [false], 'passed on; the hook did not answer');
  assert.deepEqual(page.toHook.slice(1), [call, '{"v":1,"type":"read_page"}', '{"v":1,"type":"unknown"}']);
  assert.deepEqual(page.batchesOn(), [1, 2, 3]);
  page.hookPresent = false;
  assert.deepEqual(page.runtime.command(call), [false], 'no hook');
});

test('commands from elsewhere, not text or longer than maxCommandChars get no answer and do not reach the hook', () => {
  const page = started({ ack: true });
  const call = '{"v":1,"type":"call","id":3,"method":"clear","args":[]}';
  assert.deepEqual(page.runtime.command(call, { id: 'another-extension' }), []);
  assert.deepEqual(page.runtime.command(call, { id: 'this-extension', tab: { id: 4 } }), [], 'a content script');
  assert.deepEqual(page.runtime.command(call, null), [], 'no sender');
  assert.deepEqual(page.runtime.command(JSON.parse(call)), [], 'an object');
  assert.deepEqual(page.runtime.command(call.padEnd(FACTS.maxCommandChars + 1)), []);
  assert.equal(page.toHook.length, 1, 'only the first hello');
  assert.deepEqual(page.runtime.command(call.padEnd(FACTS.maxCommandChars)), [true], 'exactly maxCommandChars is fine');
});

test("the background's hello after injecting the hook: answered, nothing more; unanswered, hook_silent once", () => {
  const answered = fakePage({ hook: false });
  answered.run();
  answered.hookPresent = true;
  answered.runtime.hello();
  assert.deepEqual(answered.sent().map((m) => m.type), ['no_hook', 'page']);
  const silent = fakePage({ hook: false });
  silent.run();
  silent.runtime.hello();                      // injected, but the hook is deaf (the page broke its builtins)
  assert.deepEqual(silent.sent(), [{ v: 1, type: 'no_hook' }, { v: 1, type: 'hook_silent' }]);
  silent.runtime.hello();
  assert.equal(silent.sent().length, 2, 'told once');
});

test('a hello nobody answers sends no_hook once and says hello again with backoff until a hook answers', () => {
  const page = fakePage({ hook: false });
  page.run();
  assert.deepEqual(page.sent(), [{ v: 1, type: 'no_hook' }]);
  page.clock.tick(250 + 500 + 1000);
  assert.equal(page.toHook.length, 4, 'the first hello and three re-hellos');
  assert.deepEqual(page.sent(), [{ v: 1, type: 'no_hook' }], 'no second no_hook');
  page.hookPresent = true;                     // the background injected the hook
  page.clock.tick(1999);
  assert.equal(page.batches, 0);
  page.clock.tick(1);
  assert.deepEqual(page.sent().map((m) => [m.type, m.batch]), [['no_hook', undefined], ['page', 1]]);
  page.clock.tick(60_000);
  assert.equal(page.toHook.length, 5, 'no more hellos once a hook answered');
});

test('no_hook waits for a port and is sent when it connects', () => {
  const page = fakePage({ hook: false });
  let refuse = true;
  const connect = page.runtime.connect;
  page.runtime.connect = (info) => { if (refuse) throw new Error('Could not establish connection'); return connect(info); };
  page.run();
  assert.equal(page.runtime.ports.length, 0);
  refuse = false;
  page.clock.tick(100);
  assert.deepEqual(page.sent(), [{ v: 1, type: 'no_hook' }]);
});

test('bfcache: pagehide disconnects and freezes; pageshow reconnects, resends and says hello', () => {
  const page = started();
  page.emit('{"x":2}');
  page.transition('pagehide');
  assert.equal(page.runtime.port().closedByRelay, true);
  page.emit('{"x":3}');                        // while hidden: kept, not sent
  page.clock.tick(10_000);
  assert.equal(page.runtime.ports.length, 1);
  page.transition('pageshow');
  assert.equal(page.runtime.ports.length, 2);
  assert.deepEqual(page.drain().map((m) => [m.batch, JSON.parse(m.data).x ?? JSON.parse(m.data).answer]),
    [[1, 'hello'], [2, 2], [3, 3], [4, 'hello']], 'unacknowledged 1–3 in order, then the answer to the new hello');
});

test('bfcache: a pagehide that is not persisted changes nothing', () => {
  const page = started();
  page.transition('pagehide', false);
  assert.equal(page.runtime.port().open, true);
  page.emit('{}');
  assert.deepEqual(page.batchesOn(0), [1, 2]);
});

test('a second copy of the relay in the same page does not start', () => {
  const page = started();
  page.run();
  assert.equal(page.runtime.ports.length, 1);
  assert.equal(page.runtime.onMessage.count(), 1);
  assert.equal(page.toHook.length, 1, 'one hello');
  page.emit('{}');
  assert.deepEqual(page.batchesOn(), [1, 2], 'each batch is sent once');
});

test('an orphaned relay (extension reloaded) stops; the relay injected after the reload takes over', () => {
  const page = started();
  const old = page.runtime;
  old.id = undefined;                          // what an extension reload leaves to the old content script
  page.emit('{}');
  assert.equal(old.port().closedByRelay, true);
  assert.equal(old.onMessage.count(), 0);
  assert.deepEqual(old.command('{"v":1,"type":"read_page"}', { id: undefined }), []);
  assert.deepEqual(page.batchesOn(), [1]);

  const fresh = fakeRuntime(page.clock);
  page.context.chrome = { runtime: fresh };
  page.run();
  assert.equal(fresh.ports.length, 1, 'the new relay started');
  page.emit('{}');
  assert.deepEqual(fresh.port().sent.map((m) => JSON.parse(m).batch), [1, 2]);
  assert.equal(old.ports.length, 1, 'the old relay stays silent');
});

test('each relay instance says hello with its own random id (a hook re-sends its state to a new one)', () => {
  const a = started(), b = started();
  const id = (page) => JSON.parse(page.toHook[0]).relay;
  assert.match(id(a), /^[0-9a-f]{16}$/);
  assert.match(id(b), /^[0-9a-f]{16}$/);
  assert.notEqual(id(a), id(b));
  a.transition('pagehide'); a.transition('pageshow');
  assert.deepEqual(a.toHook.map((h) => JSON.parse(h).relay), [id(a), id(a)], 'after the bfcache: the same id');
});

test('a relay orphaned while in the bfcache says nothing on pageshow: no hello to the hook, no port, no timer', () => {
  const page = started({ ack: true });
  page.transition('pagehide');
  page.runtime.id = undefined;                 // the extension was reloaded while the page was hidden
  page.transition('pageshow');
  page.clock.tick(20000);
  assert.equal(page.toHook.length, 1, 'only the first hello, before the reload');
  assert.equal(page.runtime.ports.length, 1);
  page.emit('{}');
  assert.deepEqual(page.batchesOn(), [1], 'nothing forwarded after the reload');
});
