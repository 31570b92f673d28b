// Shared helpers for the hook/relay unit tests: a fixture server, Chromium via playwright-core,
// the hook as an init script (document_start), a relay emulation, and a protocol validator.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
// HOOK_UNDER_TEST lets a mutation run point the suite at a deliberately broken copy.
export const HOOK_PATH = process.env.HOOK_UNDER_TEST || path.join(ROOT, 'extension/pageScript/hook.js');
export const RELAY_PATH = process.env.RELAY_UNDER_TEST || path.join(ROOT, 'extension/contentScript/relay.js');
const FIXTURES = path.join(here, 'fixtures');
export const HOOK_MARK = 'hook-under-test.js';

const require = createRequire(path.join(ROOT, 'package.json'));
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  throw new Error('playwright-core is missing: run `cd /work/main && npm i --no-save playwright-core@1 ws`');
}

// The hook's source, wrapped so it runs only in the top frame (the extension does not use
// all_frames) and so stack traces name it (tests attribute builtin calls to it).
export function hookSource() {
  return `if (window === window.top) {\n${fs.readFileSync(HOOK_PATH, 'utf8')}\n}\n//# sourceURL=${HOOK_MARK}\n`;
}

// ---------------------------------------------------------------------------- fixture server
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.svg': 'image/svg+xml' };
export async function startServer() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      return res.end();
    }
    let file = url.pathname === '/' ? '/page.html' : url.pathname;
    if (/^\/hs-scripts\/\d+\.js$/.test(file)) file = '/hs-portal.js';
    if (file.startsWith('/hs/')) file = file.slice(3); // the simulator's loader path: a loader frame for the hook
    const full = path.join(FIXTURES, path.normalize(file));
    if (!full.startsWith(FIXTURES) || !fs.existsSync(full)) {
      res.writeHead(404);
      return res.end('not found');
    }
    const headers = { 'content-type': TYPES[path.extname(full)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
    if (url.searchParams.has('csp-report-only')) headers['content-security-policy-report-only'] = url.searchParams.get('csp-report-only');
    res.writeHead(200, headers);
    fs.createReadStream(full).pipe(res);
  });
  await new Promise((r) => server.listen(0, r));
  const { port } = server.address();
  return {
    port,
    page: (p = 'page.html') => `http://localhost:${port}/${p}`,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

// ---------------------------------------------------------------------------- browser
export async function launch() {
  const executablePath = '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error('Chromium is missing: apt-get install -y chromium');
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// A relay stand-in living in the page (added after the hook, like the isolated world listener).
// It keeps its own builtins so that page tampering does not disturb the measurement.
export const RELAY_EMULATION = `if (window === window.top) (function () {
  var RA = Reflect.apply, add = EventTarget.prototype.addEventListener, fire = EventTarget.prototype.dispatchEvent;
  var CE = CustomEvent, detail = Object.getOwnPropertyDescriptor(CustomEvent.prototype, 'detail').get;
  var now = performance.now.bind(performance), got = [], total = 0;
  RA(add, document, ['hubspot-chat-inspector:page', function (e) { got[got.length] = [RA(detail, e, []), now()]; total++; }]);
  Object.defineProperty(window, '__relay', { value: Object.freeze({
    hello: function () {
      var n = total;
      RA(fire, document, [new CE('hubspot-chat-inspector:relay', { detail: '{"v":1,"type":"hello"}' })]);
      return total - n;
    },
    // A panel command (docs/protocol.md §5) as the relay passes it on: returns the number of
    // batches the hook sent DURING the dispatch (it answers a command synchronously).
    send: function (command) {
      var n = total;
      RA(fire, document, [new CE('hubspot-chat-inspector:relay', { detail: typeof command === 'string' ? command : JSON.stringify(command) })]);
      return total - n;
    },
    take: function () { var out = []; for (var i = 0; i < got.length; i++) out[i] = got[i]; got.length = 0; return out; },
    total: function () { return total; }
  }) });
})();`;

export async function openPage(browser, url, { hook = true, relay = true, before = [], after = [], routes = {} } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleMessages = [];
  const errors = [];
  page.on('console', (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(String(e)));
  for (const [pattern, body] of Object.entries(routes)) {
    await page.route(pattern, (route) => route.fulfill({ status: 200, contentType: body.type, body: body.body }));
  }
  for (const s of before) await page.addInitScript({ content: s });
  if (hook) await page.addInitScript({ content: hookSource() });
  if (relay) await page.addInitScript({ content: RELAY_EMULATION });
  for (const s of after) await page.addInitScript({ content: s });
  if (url) await page.goto(url);
  return { context, page, consoleMessages, errors, close: () => context.close() };
}

// The fixture server and Chromium, started once for the calling test file (node:test before/after).
// env.open('page.html?lazy', options) opens a fixture page in a fresh context (see openPage).
export function useBrowser() {
  const env = { open: (file, options) => openPage(env.browser, env.server.page(file), options) };
  before(async () => {
    env.server = await startServer();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

// An init script (before the hook) making window[name] the PAGE's own accessor (functions
// `<prefix>Get`/`<prefix>Set`); window[counter]() returns {gets, sets}.
export const pageAccessor = (name, prefix, counter) => `(function () {
  var v, gets = 0, sets = 0;
  Object.defineProperty(window, ${JSON.stringify(name)}, {
    get: function ${prefix}Get() { gets++; return v; }, set: function ${prefix}Set(x) { sets++; v = x; }, enumerable: true, configurable: true
  });
  Object.defineProperty(window, ${JSON.stringify(counter)}, { value: function () { return { gets: gets, sets: sets }; } });
})();`;

export const CHAT_HTML = fs.readFileSync(path.join(FIXTURES, 'chat.html'), 'utf8');

export async function waitForFake(page) {
  await page.waitForFunction(() => !!window.fakeHS);
}

// The fake HubSpot page is ready, and the relay emulation has said hello (the hook sends from now on).
export async function readyWithHello(page) {
  await waitForFake(page);
  await page.evaluate(() => window.__relay.hello());
}

// Runs fn with an opened page ({page, errors, consoleMessages, ...}: see openPage), then closes it.
export async function using(opening, fn) {
  const opened = await opening;
  try {
    return await fn(opened);
  } finally {
    await opened.close();
  }
}

// Runs in the page, `await page.evaluate(L.installSpies, L.HOOK_MARK)`: window.__spies replaces
// builtins by spies that record (and throw at) calls made BY THE HOOK. Called by the hook = the first
// frame below the spy that is not a builtin or test code (<anonymous>) is hook code.
//   fn(obj, name)      a method or constructor        getter(proto, name)  an accessor's getter
//   proto(obj, name)   a trap for a property the hook must neither read nor write (Object.prototype.toJSON…)
//   hits               what the hook called           restore()            puts every builtin back
export function installSpies(mark) {
  const RA = Reflect.apply, RC = Reflect.construct, dp = Object.defineProperty, gopd = Object.getOwnPropertyDescriptor;
  const idx = String.prototype.indexOf, split = String.prototype.split, Err = Error;
  const hits = [];
  const undo = [];
  const fromHook = () => {
    const lines = RA(split, new Err().stack || '', ['\n']);
    for (let i = 2; i < lines.length; i++) {
      if (RA(idx, lines[i], ['<anonymous>']) >= 0 || RA(idx, lines[i], ['native']) >= 0) continue;
      return RA(idx, lines[i], [mark]) >= 0;
    }
    return false;
  };
  const fn = (obj, name) => {
    const d = gopd(obj, name);
    const orig = d.value;
    const spy = function () {
      if (fromHook()) { hits[hits.length] = String(name); throw new Err('tampered'); }
      return new.target ? RC(orig, arguments, new.target) : RA(orig, this, arguments);
    };
    spy.prototype = orig.prototype;
    dp(obj, name, { value: spy, writable: true, configurable: true, enumerable: d.enumerable });
    undo[undo.length] = () => dp(obj, name, d);
  };
  const getter = (proto, name) => {
    const d = gopd(proto, name);
    dp(proto, name, { get() { if (fromHook()) { hits[hits.length] = 'get ' + name; throw new Err('tampered'); } return RA(d.get, this, []); },
      set: d.set, configurable: true, enumerable: d.enumerable });
    undo[undo.length] = () => dp(proto, name, d);
  };
  const proto = (obj, name) => {
    dp(obj, name, { configurable: true,
      get() { if (fromHook()) hits[hits.length] = 'prototype.' + name; return undefined; },
      set(v) { if (fromHook()) hits[hits.length] = 'set prototype.' + name; dp(this, name, { value: v, writable: true, enumerable: true, configurable: true }); } });
    undo[undo.length] = () => delete obj[name];
  };
  const restore = () => { for (let i = undo.length - 1; i >= 0; i--) undo[i](); };
  dp(window, '__spies', { value: { hits, fn, getter, proto, restore }, configurable: true });
}

// ---------------------------------------------------------------------------- protocol checks
const MIB = 1 << 20;
const RECORD_FIELDS = {
  event: ['k', 'seq', 't', 'name', 'payload', 'via'],
  api: ['k', 'seq', 't', 'state', 'generation', 'methods'],
  widget: ['k', 'seq', 't', 'loaded', 'inline', 'src'],
  loader: ['k', 'seq', 't', 'src', 'portal', 'blocked', 'again'],
  open: ['k', 'seq', 't', 'open', 'user'],
  call: ['k', 'seq', 't', 'id', 'method', 'args', 'outcome', 'value', 'error'],
  settings: ['k', 'seq', 't', 'source', 'phase', 'present', 'fields'],
  inline: ['k', 'seq', 't', 'selector', 'exists', 'width', 'height'],
  // docs/diagnostics.md §1
  page_call: ['k', 'seq', 't', 'method', 'generation', 'placeholder', 'args', 'outcome', 'value', 'error', 'handler', 'caller', 'from_loader'],
  onready: ['k', 'seq', 't', 'action', 'array', 'length', 'generation', 'replaced'],
  nav: ['k', 'seq', 't', 'how', 'url'],
  csp: ['k', 'seq', 't', 'directive', 'blocked', 'source'],
  widget_data: ['k', 'seq', 't', 'url', 'status', 'duration'],
  iframe: ['k', 'seq', 't', 'inline', 'src'],
  chat_message: ['k', 'seq', 't', 'type', 'utk'],
  env: ['k', 'seq', 't', 'secure', 'host', 'disabled_popups', 'to_json', 'running'],
};
const PAGE_METHODS = ['widget.load', 'widget.refresh', 'widget.open', 'widget.close', 'widget.remove', 'widget.status',
  'clear', 'on', 'off', 'debug', 'resetAndReloadWidget'];
const SDK_METHODS = ['widget.load', 'widget.refresh', 'widget.open', 'widget.close', 'widget.remove',
  'widget.status', 'clear', 'debug', 'resetAndReloadWidget'];

// Validates one batch exactly as docs/protocol.md §1 (and the background's decoder) demand.
export function checkBatch(raw) {
  assert.equal(typeof raw, 'string');
  assert.ok(Buffer.byteLength(raw) <= MIB, `batch of ${Buffer.byteLength(raw)} bytes > 1 MiB`);
  const envelope = JSON.stringify({ v: 1, type: 'page', batch: 1e9, data: raw });
  assert.ok(Buffer.byteLength(envelope) <= MIB + MIB / 4 + 1024, 'relay message over the background limit');
  const b = JSON.parse(raw);
  assert.deepEqual(Object.keys(b), ['v', 'doc', 'url', 'time_origin', 'dropped', 'records']);
  assert.equal(b.v, 1);
  assert.match(b.doc, /^[0-9a-f]{16}$/);
  assert.equal(typeof b.url, 'string');
  assert.ok(b.url.length <= 2048);
  assert.ok(Number.isFinite(b.time_origin) && b.time_origin > 0);
  assert.ok(Number.isInteger(b.dropped) && b.dropped >= 0);
  assert.ok(Array.isArray(b.records) && b.records.length <= 500, `batch of ${b.records.length} records`);
  for (const r of b.records) {
    assert.ok(RECORD_FIELDS[r.k], `unknown record kind ${r.k}`);
    // `undelivered` (docs/protocol.md §1): last, only on chat iframe events the loader did not deliver.
    // `replay` (§2): last, only `true`, only on state records re-sent to a new relay.
    // `report` (§1): last, only `true`, only on a violation of a report-only policy.
    const optional = r.k === 'event' && 'undelivered' in r ? ['undelivered'] : 'replay' in r ? ['replay']
      : r.k === 'csp' && 'report' in r ? ['report'] : [];
    if ('replay' in r) assert.ok(r.replay === true && ['api', 'settings', 'widget', 'loader', 'inline'].includes(r.k), JSON.stringify(r));
    assert.deepEqual(Object.keys(r), [...RECORD_FIELDS[r.k], ...optional]);
    assert.ok(Number.isInteger(r.seq) && r.seq >= 1);
    assert.ok(Number.isFinite(r.t) && r.t >= 0);
    if (r.k === 'event') {
      assert.ok(typeof r.name === 'string' && r.name.length >= 1 && r.name.length <= 100);
      assert.ok(['iframe', 'on', 'dom'].includes(r.via));
      if (optional.length) assert.ok(r.via === 'iframe' && ['foreign_frame', 'missing_uuid', 'bogus_uuid'].includes(r.undelivered));
    } else if (r.k === 'api') {
      assert.ok(['absent', 'placeholder', 'ready'].includes(r.state));
      assert.ok(Number.isInteger(r.generation) && r.generation >= 0);
      assert.ok(Array.isArray(r.methods) && r.methods.every((m) => typeof m === 'string' && m.length <= 100));
      assert.deepEqual(r.methods, [...r.methods].sort(), 'methods are sorted');
      if (r.state === 'absent') assert.deepEqual(r.methods, []);
    } else if (r.k === 'call') {
      assert.ok(Number.isSafeInteger(r.id) && r.id >= 0);
      // `on`: the hook's on('widgetHidden') on the panel's `listen` command (docs/protocol.md §5).
      assert.ok(SDK_METHODS.includes(r.method) || (r.method === 'on' && JSON.stringify(r.args) === '["widgetHidden"]'), `call of ${r.method}`);
      assert.ok(Array.isArray(r.args) && r.args.length <= 1);
      assert.ok(['returned', 'threw', 'not_ready', 'missing'].includes(r.outcome));
      assert.ok(typeof r.error === 'string' && [...r.error].length <= 2048);
      assert.equal(r.error === '', r.outcome !== 'threw');
      if (r.outcome !== 'returned') assert.equal(r.value, null);
    } else if (r.k === 'settings') {
      assert.ok(['assigned', 'read'].includes(r.source));
      assert.ok(['before_loader', 'after_loader'].includes(r.phase));
      assert.equal(typeof r.present, 'boolean');
      assert.ok(r.fields && typeof r.fields === 'object' && !Array.isArray(r.fields));
      assert.ok(Object.keys(r.fields).length <= 100);
      if (!r.present) assert.deepEqual(r.fields, {});
      for (const f of Object.values(r.fields)) {
        assert.deepEqual(Object.keys(f), ['type', 'value']);
        assert.ok(['string', 'number', 'boolean', 'undefined', 'object', 'function', 'symbol', 'bigint', 'null', 'array', 'thrown', 'accessor'].includes(f.type));
      }
    } else if (r.k === 'inline') {
      assert.ok(typeof r.selector === 'string' && r.selector.length <= 2048);
      assert.equal(typeof r.exists, 'boolean');
      assert.ok(Number.isFinite(r.width) && Number.isFinite(r.height) && r.width >= 0 && r.height >= 0);
    } else if (r.k === 'page_call') {
      assert.ok(PAGE_METHODS.includes(r.method), `page call of ${r.method}`);
      assert.ok(Number.isInteger(r.generation) && r.generation >= 1);
      assert.equal(typeof r.placeholder, 'boolean');
      assert.ok(Array.isArray(r.args));
      assert.ok(['returned', 'threw'].includes(r.outcome));
      assert.equal(typeof r.error, 'string');
      if (r.outcome === 'threw') assert.equal(r.value, null);
      assert.ok(Number.isInteger(r.handler) && r.handler >= 0);
      if (r.method !== 'on' && r.method !== 'off') assert.equal(r.handler, 0);
      assert.ok(typeof r.caller === 'string' && r.caller.length <= 2048);
      assert.equal(typeof r.from_loader, 'boolean');
    } else if (r.k === 'onready') {
      assert.ok(['assigned', 'read', 'grew'].includes(r.action));
      assert.equal(typeof r.array, 'boolean');
      assert.ok(Number.isInteger(r.length) && r.length >= 0 && Number.isInteger(r.generation) && Number.isInteger(r.replaced));
      if (!r.array) assert.equal(r.length, 0);
      if (r.action !== 'assigned') assert.equal(r.replaced, 0);
    } else if (r.k === 'nav') {
      assert.ok(['push', 'replace', 'popstate', 'hashchange'].includes(r.how));
      assert.ok(typeof r.url === 'string' && r.url.length <= 2048);
    } else if (r.k === 'csp') {
      for (const f of ['directive', 'blocked', 'source']) assert.equal(typeof r[f], 'string');
      if ('report' in r) assert.equal(r.report, true);
    } else if (r.k === 'widget_data') {
      assert.ok(typeof r.url === 'string' && !/identificationToken=[^&#\u2022]/.test(r.url));
      assert.ok(Number.isInteger(r.status) && r.status >= 0);
      assert.ok(Number.isFinite(r.duration) && r.duration >= 0);
    } else if (r.k === 'iframe') {
      assert.equal(typeof r.inline, 'boolean');
      assert.ok(typeof r.src === 'string' && r.src.length <= 2048);
    } else if (r.k === 'chat_message') {
      assert.equal(r.type, 'store-messages-cookie');
      assert.equal(typeof r.utk, 'boolean');
    } else if (r.k === 'env') {
      assert.equal(typeof r.secure, 'boolean');
      assert.equal(typeof r.host, 'string');
      assert.ok(r.disabled_popups === null || (Array.isArray(r.disabled_popups) && r.disabled_popups.every((x) => typeof x === 'string')));
      assert.ok(Array.isArray(r.to_json) && r.to_json.every((x) => ['Object', 'Array', 'String'].includes(x)));
      assert.equal(typeof r.running, 'boolean');
    } else if (r.k === 'widget') {
      assert.equal(typeof r.loaded, 'boolean');
      assert.equal(typeof r.inline, 'boolean');
      assert.ok(typeof r.src === 'string' && r.src.length <= 2048);
    } else if (r.k === 'loader') {
      assert.ok(typeof r.src === 'string' && r.src.length <= 2048);
      assert.equal(typeof r.blocked, 'boolean');
      assert.equal(typeof r.again, 'boolean');
      assert.ok(r.portal === null || (typeof r.portal === 'string' && r.portal.length <= 100));
    } else {
      assert.equal(typeof r.open, 'boolean');
      assert.equal(typeof r.user, 'boolean');
    }
  }
  return b;
}

// Takes every batch the relay emulation received so far, validates them, and checks that
// sequence numbers only grow and that records + dropped account for every seq.
// By default a hello first flushes what the hook still holds (deterministic, no waiting for its
// 50 ms timer); pass flush:false to see only what the hook sent on its own.
export async function collect(page, state = { lastSeq: 0, doc: null }, { flush = true } = {}) {
  const raw = await page.evaluate((flush) => { if (flush) window.__relay.hello(); return window.__relay.take(); }, flush);
  const batches = raw.map(([d, t]) => Object.assign(checkBatch(d), { at: t, bytes: Buffer.byteLength(d), chars: d.length }));
  const records = [];
  let dropped = 0;
  for (const b of batches) {
    if (state.doc) assert.equal(b.doc, state.doc, 'doc id changed within a document');
    state.doc = b.doc;
    dropped += b.dropped;
    for (const r of b.records) {
      assert.ok(r.seq > state.lastSeq, `seq ${r.seq} after ${state.lastSeq}`);
      state.lastSeq = r.seq;
      records.push(r);
    }
  }
  return { batches, records, dropped, state };
}

// The records of docs/diagnostics.md §1, left out where a test checks the other kinds' order.
const DIAGNOSTIC_KINDS = ['page_call', 'onready', 'nav', 'csp', 'widget_data', 'iframe', 'chat_message', 'env'];
export const withoutDiagnostics = (records) => records.filter((r) => !DIAGNOSTIC_KINDS.includes(r.k));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function waitFor(page, fn, arg, timeout = 5000) {
  await page.waitForFunction(fn, arg, { timeout, polling: 20 });
}
