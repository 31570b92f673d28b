// The hook's diagnostics records (docs/diagnostics.md §1) in real Chromium: the page's own SDK calls
// (page_call) through transparent wrappers, hsConversationsOnReady, URL changes, CSP violations, the
// widget-data request, chat iframe insertion, store-messages-cookie, env, the loader's blocked/again flags
// and the initialized event's own fields.
// Run: node --test tests/hook/diagnostics.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as L from './lib.mjs';

const env = L.useBrowser();
const kinds = (records, k) => records.filter((r) => r.k === k);
const CALLS_HTML = fs.readFileSync(path.join(L.ROOT, 'tests/hook/fixtures/calls.html'), 'utf8').split('\n');
// "<url>:<line>:" of the fixture line holding `marker` (the column is the engine's).
const lineOf = (marker) => CALLS_HTML.findIndex((l) => l.includes(marker)) + 1;
const pageCalls = (records) => kinds(records, 'page_call').map((r) => [r.method, r.generation, r.placeholder, r.handler, r.from_loader]);

test('page_call: placeholder and three replacements, generations, handler ids, caller line, from_loader; panel and hook calls not recorded', async () => {
  await L.using(env.open('calls.html?lazy&ids'), async ({ page, errors }) => {
    await L.readyWithHello(page);
    // The user opted in to widgetHidden: the hook's on('widgetHidden') per object is not the page's either.
    assert.equal(await page.evaluate(() => window.__relay.send({ v: 1, type: 'listen', id: 9, event: 'widgetHidden' })), 1);
    const st = (await L.collect(page)).state;
    const url = page.url().replace(/\?.*/, '');
    await page.evaluate(() => window.fakeHS.boot());               // placeholder; onReady registers a handler
    let { records } = await L.collect(page, st);
    assert.deepEqual(pageCalls(records), [['on', 1, true, 1, true]]);
    const onReadyCall = kinds(records, 'page_call')[0];
    assert.deepEqual(onReadyCall.args, ['conversationStarted', '[function]']);
    assert.match(onReadyCall.caller, new RegExp(`^${url.replace(/[.?]/g, '\\$&')}\\?lazy&ids:${lineOf('ONREADY-CALL')}:\\d+$`));

    // load() on the placeholder builds object 2 and runs onReady inside it: that on() is the page's (recorded), once.
    await page.evaluate(() => window.pageCall('widget.load', [{ widgetOpen: false }]));
    await page.evaluate(() => window.fakeHS.waitLoaded());
    await page.evaluate(() => window.pageCall('clear', [{ resetWidget: true }]));                 // object 3
    await page.evaluate(() => window.fakeHS.waitLoaded());
    await page.evaluate(() => window.pageCall('resetAndReloadWidget'));                          // object 4
    await page.evaluate(() => window.fakeHS.waitLoaded());
    const status = await page.evaluate(() => JSON.stringify(window.pageCall('widget.status')));
    await page.evaluate(() => window.pageCall('off', ['conversationStarted', window.pageHandler]));
    await page.evaluate(() => window.pageCall('off', ['conversationStarted', function other() {}]));
    // The panel's call and the hook's on('widgetHidden') (asked by the panel) are not the page's.
    assert.equal(await page.evaluate(() => window.__relay.send({ v: 1, type: 'call', id: 1, method: 'widget.open', args: [] })), 1);
    await L.sleep(50);
    ({ records } = await L.collect(page, st));
    assert.deepEqual(pageCalls(records), [
      ['on', 2, false, 1, true], ['widget.load', 1, true, 0, false],
      ['on', 3, false, 1, true], ['clear', 2, false, 0, false],
      ['on', 4, false, 1, true], ['resetAndReloadWidget', 3, false, 0, false],
      ['widget.status', 4, false, 0, false], ['off', 4, false, 1, false], ['off', 4, false, 2, false],
    ]);
    const calls = kinds(records, 'page_call');
    const pageLine = new RegExp(`:${lineOf('PAGE-CALL')}:\\d+$`);
    for (const c of calls) assert.match(c.caller, c.method === 'on' ? new RegExp(`:${lineOf('ONREADY-CALL')}:\\d+$`) : pageLine);
    assert.deepEqual(calls[1].args, [{ widgetOpen: false }]);
    assert.ok(calls[1].t < calls[0].t, 'a call is timed when it started; the calls it contains are recorded first');
    assert.deepEqual(calls[6].value, JSON.parse(status));
    assert.deepEqual(kinds(records, 'call').map((c) => [c.id, c.method]), [[9, 'on'], [9, 'on'], [9, 'on'], [1, 'widget.open']],
      'the panel call and the hook\'s on() per real object are call records');
    const onCalls = await page.evaluate(() => window.fakeHS.log.onCalls.map((c) => [c.gen, c.name]));
    assert.deepEqual(onCalls.filter((c) => c[1] === 'widgetHidden'), [[2, 'widgetHidden'], [3, 'widgetHidden'], [4, 'widgetHidden']], 'the hook subscribed');
    assert.ok(!calls.some((c) => c.args[0] === 'widgetHidden'));
    // The loader saw every call as without the hook: its own `this`, arguments, generation.
    const log = await page.evaluate(() => window.fakeHS.log.calls.map((x) => [x.gen, x.method, x.self]));
    assert.deepEqual(log.slice(0, 4), [[1, 'widget.load', 'widget'], [2, 'clear', 'object'], [3, 'resetAndReloadWidget', 'object'], [4, 'widget.status', 'widget']]);
    assert.deepEqual(errors, []);
  });
});

// What a page can observe of its API object's methods, with or without the hook.
async function methodObservations(withHook) {
  return L.using(env.open('embed.html', { hook: withHook }), async ({ page, errors }) => {
    const seen = await page.evaluate(() => {
      'use strict';                                         // like a bundled loader's methods
      const out = {};
      const failure = new RangeError('from the original');
      const returned = { mine: true };
      function Emitter() {}                                  // a constructible original
      const api = {
        on: function on(name, fn) { out.onThis = this === api; return returned; },
        off: (name, fn) => { throw failure; },                // an arrow: no prototype
        clear: Emitter,
        debug() { return 'method'; },
        widget: { status: function status(a, b) { return this; }, open: function () { return arguments.length; } },
      };
      const originals = { on: api.on, off: api.off, status: api.widget.status };
      window.HubSpotConversations = api;
      const describe = (f) => [f.name, f.length, Object.getOwnPropertyNames(f).join(), 'prototype' in f,
        typeof f, Object.getOwnPropertyDescriptor(f, 'name').configurable];
      out.shapes = ['on', 'off', 'clear', 'debug'].map((k) => describe(api[k])).concat([describe(api.widget.status)]);
      out.keys = [Object.keys(api), Object.keys(api.widget)];
      out.descriptor = (({ value, ...rest }) => rest)(Object.getOwnPropertyDescriptor(api, 'on'));
      out.returned = api.on('conversationStarted', () => {}) === returned;
      try { api.off('x', () => {}); } catch (e) { out.thrown = e === failure; }
      const other = {};
      out.thisKept = [api.widget.status() === api.widget, api.widget.status.call(other) === other, api.widget.status.call(undefined)];
      out.args = [api.widget.open(), api.widget.open(1, 2, 3)];
      out.constructed = new api.clear() instanceof Emitter;
      out.debug = api.debug();
      out.wrapped = api.on !== originals.on;
      return out;
    });
    const records = withHook ? (await L.collect(page)).records : [];
    return { seen, records, errors };
  });
}

test('page_call wrappers: same return value, thrown error, this, arguments, name, length, prototype, keys', async () => {
  const without = await methodObservations(false);
  const withHook = await methodObservations(true);
  const { wrapped: w1, ...a } = without.seen;
  const { wrapped: w2, ...b } = withHook.seen;
  assert.deepEqual(b, a);
  assert.deepEqual([w1, w2], [false, true], 'the hook did wrap them');
  assert.deepEqual(a.thisKept, [true, true, undefined]);
  assert.deepEqual(withHook.errors, without.errors);
  const calls = kinds(withHook.records, 'page_call');
  assert.deepEqual(calls.map((c) => [c.method, c.outcome]), [['on', 'returned'], ['off', 'threw'], ['widget.status', 'returned'],
    ['widget.status', 'returned'], ['widget.status', 'returned'], ['widget.open', 'returned'], ['widget.open', 'returned'], ['debug', 'returned']]);
  assert.deepEqual(calls[0].value, { mine: true });
  assert.equal(calls[1].error, 'RangeError: from the original');
  assert.deepEqual(calls[6].args, [1, 2, 3]);
  assert.deepEqual(calls[7].value, 'method');
  assert.ok(calls.every((c) => c.generation === 1 && c.placeholder === false && c.from_loader === false));
});

test('page_call: nested calls recorded once; frozen, read-only and builtin-inherited methods left alone; prototype methods followed by `this`', async () => {
  await L.using(env.open('embed.html'), async ({ page, errors }) => {
    const out = await page.evaluate(() => {
      const r = {};
      const api = { widget: { open() { api.widget.close(); return 1; }, close() { return 2; } } };
      window.HubSpotConversations = api;
      r.nested = api.widget.open();
      // Frozen: no wrapper, no throw, calls work.
      const frozen = Object.freeze({ on: function on() { return 'on'; }, widget: Object.freeze({ load() { return 'load'; } }) });
      const onBefore = frozen.on;
      window.HubSpotConversations = frozen;
      r.frozen = [frozen.on === onBefore, frozen.on(), frozen.widget.load()];
      // A read-only method on an otherwise writable object; debug inherited from Object.prototype.
      const readOnly = { widget: {} };
      const open = function open() { return 'ro'; };
      Object.defineProperty(readOnly.widget, 'open', { value: open, writable: false, configurable: true });
      Object.prototype.debug = function debug() { return 'inherited'; };
      window.HubSpotConversations = readOnly;
      r.readOnly = [readOnly.widget.open === open, readOnly.widget.open(), Object.getOwnPropertyNames(readOnly).join(),
        Object.prototype.debug.name, readOnly.debug()];
      delete Object.prototype.debug;
      // Methods on a class prototype: wrapped where they live, once; the generation follows `this`.
      class Api { constructor() { this.widget = {}; } clear() { return this; } }
      const first = new Api(), second = new Api();
      window.HubSpotConversations = first;
      window.HubSpotConversations = second;
      r.proto = [Object.getOwnPropertyNames(first).join(), first.clear() === first, second.clear() === second,
        Object.getOwnPropertyNames(Api.prototype).join()];
      return r;
    });
    assert.deepEqual(out.nested, 1);
    assert.deepEqual(out.frozen, [true, 'on', 'load']);
    assert.deepEqual(out.readOnly, [true, 'ro', 'widget', 'debug', 'inherited']);
    assert.deepEqual(out.proto, ['widget', true, true, 'constructor,clear']);
    const { records } = await L.collect(page);
    assert.deepEqual(kinds(records, 'page_call').map((c) => [c.method, c.generation]), [['widget.open', 1], ['clear', 4], ['clear', 5]]);
    assert.deepEqual(errors, []);
  });
});

test('page_call runs no page code: argument and return getters, then, toJSON, prepareStackTrace', async () => {
  await L.using(env.open('embed.html'), async ({ page, errors }) => {
    const out = await page.evaluate(() => {
      let runs = 0;
      const hostile = { get a() { runs++; return 1; }, then() { runs++; }, toJSON() { runs++; return {}; } };
      const api = { on(name, fn) { return hostile; }, widget: { open() { const e = new Error('m'); Object.defineProperty(e, 'message', { get() { runs++; return 'x'; } }); throw e; } } };
      window.HubSpotConversations = api;
      api.on(hostile, () => {});
      try { api.widget.open(); } catch (e) { /* the page's own */ }
      let prepared = 0;
      Error.prepareStackTrace = (e, frames) => { prepared++; return 'page stack'; };
      api.on('x', () => {});
      delete Error.prepareStackTrace;
      const OwnError = function Error() {};
      const NativeError = window.Error;
      window.Error = OwnError;
      api.on('y', () => {});
      window.Error = NativeError;
      return { runs, prepared };
    });
    assert.deepEqual(out, { runs: 0, prepared: 0 });
    const { records } = await L.collect(page);
    const calls = kinds(records, 'page_call');
    assert.deepEqual(calls[0].args, [{ a: '[getter]', then: '[function]', toJSON: '[function]' }, '[function]']);
    assert.deepEqual(calls[0].value, { a: '[getter]', then: '[function]', toJSON: '[function]' });
    assert.deepEqual([calls[1].outcome, calls[1].error], ['threw', 'Error']);
    assert.deepEqual(calls.slice(2).map((c) => [c.args[0], c.caller]), [['x', ''], ['y', '']], 'no location without a safe stack');
    assert.deepEqual(errors, []);
  });
});

test('page_call: a call the loader makes on its own is not recorded; a page script\'s is, with its line', async () => {
  await L.using(env.open('embed.html'), async ({ page }) => {
    await page.evaluate(() => { window.HubSpotConversations = { widget: { status() { return 1; } } }; });
    await page.addScriptTag({ url: '/hs/calls-status.js' });
    await page.addScriptTag({ url: '/calls-status.js' });
    const { records } = await L.collect(page);
    const calls = kinds(records, 'page_call');
    assert.deepEqual(calls.map((c) => [c.method, c.caller.replace(/^http:\/\/localhost:\d+/, ''), c.from_loader]),
      [['widget.status', '/calls-status.js:2:36', false]]);
  });
});

test('stack frames: V8 and Firefox formats', () => {
  const source = fs.readFileSync(L.HOOK_PATH, 'utf8');
  const FRAME = eval(source.match(/var FRAME = (\/.*\/);/)[1]); // eslint-disable-line no-eval
  const url = (line) => { const m = FRAME.exec(line); return m && `${m[1] ?? m[4]}:${m[2] ?? m[5]}:${m[3] ?? m[6]}`; };
  assert.equal(url('    at pageCall (https://shop.test/app.js?v=2:17:30)'), 'https://shop.test/app.js?v=2:17:30');
  assert.equal(url('    at https://shop.test/app.js:3:4'), 'https://shop.test/app.js:3:4');
  assert.equal(url('    at async Promise.all (index 0)'), null);
  assert.equal(url('    at Array.forEach (<anonymous>)'), null);
  assert.equal(url('    at new Foo (http://localhost:8080/a.js:1:2)'), 'http://localhost:8080/a.js:1:2');
  assert.equal(url('pageCall@https://shop.test/app.js:17:30'), 'https://shop.test/app.js:17:30');
  assert.equal(url('@https://shop.test/app.js:3:4'), 'https://shop.test/app.js:3:4');
  assert.equal(url('Foo/<.bar@http://localhost:8080/hs/conversations-embed.js:9:1'), 'http://localhost:8080/hs/conversations-embed.js:9:1');
});

test('onready: assigned (replaced), read at each object, grew after the read, not an array', async () => {
  await L.using(env.open('page.html?lazy&ids'), async ({ page }) => {
    await L.readyWithHello(page);
    const st = { lastSeq: 0, doc: null };
    let { records } = await L.collect(page, st);
    // page.html assigns [fn] once before the loader.
    assert.deepEqual(kinds(records, 'onready').map((r) => [r.action, r.array, r.length, r.generation, r.replaced]), [['assigned', true, 1, 0, 0]]);
    await page.evaluate(() => {
      window.hsConversationsOnReady = [function () {}, function () {}];   // a second script replaces the first one's array
      window.hsConversationsOnReady = window.hsConversationsOnReady;      // the same array again
      window.fakeHS.boot();
      window.hsConversationsOnReady.push(function late() {});
    });
    ({ records } = await L.collect(page, st));
    assert.deepEqual(kinds(records, 'onready').map((r) => [r.action, r.array, r.length, r.generation, r.replaced]), [
      ['assigned', true, 2, 0, 1], ['assigned', true, 2, 0, 0], ['read', true, 2, 1, 0]]);
    assert.equal(await page.evaluate(() => window.__relay.send({ v: 1, type: 'read_page' })), 1);
    ({ records } = await L.collect(page, st, { flush: false }));
    assert.deepEqual(kinds(records, 'onready').map((r) => [r.action, r.length, r.generation]), [['grew', 3, 1]]);
    await page.evaluate(() => { window.hsConversationsOnReady = 'not an array'; window.HubSpotConversations.widget.load(); });
    ({ records } = await L.collect(page, st));
    assert.deepEqual(kinds(records, 'onready').map((r) => [r.action, r.array, r.length, r.generation, r.replaced]), [
      ['assigned', false, 0, 1, 3], ['read', false, 0, 2, 0]]);
    const keys = await page.evaluate(() => Object.keys(window).filter((k) => k.startsWith('hsConv')));
    assert.deepEqual(keys, ['hsConversationsSettings', 'hsConversationsOnReady']);
  });
  // Grown 2 s after the read, with no other moment.
  await L.using(env.open('page.html?autoboot'), async ({ page }) => {
    await L.waitForFake(page);
    await page.evaluate(() => window.hsConversationsOnReady.push(() => {}));
    await L.sleep(2300);
    const { records } = await L.collect(page);
    assert.deepEqual(kinds(records, 'onready').map((r) => [r.action, r.length]), [['assigned', 1], ['read', 1], ['grew', 2]]);
  });
});

test('onready trap: inherited values show through, a page-defined accessor is left alone and not run', async () => {
  const accessor = L.pageAccessor('hsConversationsOnReady', 'ready', '__ready');
  await L.using(env.open('page.html?autoboot', { before: [accessor] }), async ({ page }) => {
    await L.waitForFake(page);
    assert.deepEqual(await page.evaluate(() => window.readyRuns), [1]);
    const gets = await page.evaluate(() => window.__ready());
    const { records } = await L.collect(page);
    assert.deepEqual(await page.evaluate(() => window.__ready()), gets, 'the page accessor is not run by the hook');
    assert.deepEqual(kinds(records, 'onready'), [], 'neither assignment nor read is visible through a page accessor');
  });
  await L.using(env.open('embed.html'), async ({ page }) => {
    const seen = await page.evaluate(() => {
      Object.prototype.hsConversationsOnReady = ['inherited'];
      const out = [window.hsConversationsOnReady[0], 'hsConversationsOnReady' in window, Object.keys(window).includes('hsConversationsOnReady')];
      delete Object.prototype.hsConversationsOnReady;
      return out;
    });
    assert.deepEqual(seen, ['inherited', true, false]);
  });
});

test('nav: pushState, replaceState, a fragment link, back (popstate): one record per URL change, once HubSpot is there', async () => {
  await L.using(env.open('calls.html'), async ({ page }) => {
    await L.waitForFake(page);
    await page.evaluate(() => history.pushState({}, '', '/before-boot'));   // the embed code was seen: observed already
    await page.evaluate(() => window.fakeHS.boot());
    await page.evaluate(() => history.pushState({}, '', '/products'));
    await page.evaluate(() => history.replaceState({}, '', '/products?sort=price'));
    await page.evaluate(() => history.replaceState({}, '', '/products?sort=price'));   // same URL: no change
    await page.click('#hash');
    await L.sleep(50);
    await page.evaluate(() => history.back());
    await L.sleep(200);
    const { records } = await L.collect(page);
    const base = new URL(page.url()).origin;
    assert.deepEqual(kinds(records, 'nav').map((r) => [r.how, r.url.replace(base, '')]), [
      ['push', '/before-boot'], ['push', '/products'], ['replace', '/products?sort=price'], ['push', '/products?sort=price#section'], ['popstate', '/products?sort=price']]);
  });
});

test('csp: a violation for the blocked embed code is caught (listener from the start); one for another host is not', async () => {
  await L.using(env.open('csp.html'), async ({ page, errors }) => {
    await page.waitForLoadState('load');
    await L.sleep(100);
    let { records } = await L.collect(page);
    const csp = kinds(records, 'csp');
    assert.deepEqual(csp.map((r) => [r.directive, r.blocked]), [['script-src-elem', 'https://js.hs-scripts.com/123.js']]);
    // The violation fired before the hello, the only moment the hook could see the blocked element.
    assert.deepEqual(records.map((r) => r.k).slice(0, 2), ['csp', 'env']);
    assert.deepEqual(kinds(records, 'loader').map((r) => [r.portal, r.blocked, r.again]), [['123', false, false]]);
    await page.evaluate(() => fetch('https://api.hubspot.com/livechat-public/v1/message/public?portalId=123').catch(() => {}));
    await page.evaluate(() => fetch('https://api.example.test/x').catch(() => {}));
    await L.sleep(100);
    ({ records } = await L.collect(page));
    assert.deepEqual(kinds(records, 'csp').map((r) => [r.directive, r.blocked]), [['connect-src', 'https://api.hubspot.com/livechat-public/v1/message/public?portalId=123']]);
    assert.ok(kinds(records, 'csp').every((r) => !('report' in r)), 'an enforced policy\'s violation is not report-only');
    assert.equal(errors.length, 0);
  });
});

test('csp: a report-only policy\'s violation says so (nothing was blocked)', async () => {
  await L.using(env.open(`plain.html?csp-report-only=${encodeURIComponent("connect-src 'self'")}`), async ({ page, errors }) => {
    await page.waitForLoadState('load');
    // Not blocked: the request goes out (and fails here, offline); not awaited.
    await page.evaluate(() => { fetch('https://api.hubspot.com/livechat-public/v1/message/public?portalId=123').catch(() => {}); });
    await L.sleep(200);
    const { records } = await L.collect(page);
    // (Chromium may report the request more than once: nothing stops it.)
    const csp = kinds(records, 'csp');
    assert.ok(csp.length >= 1, 'the violation is recorded');
    assert.deepEqual([...new Set(csp.map((r) => `${r.directive} ${r.blocked} ${r.report}`))],
      ['connect-src https://api.hubspot.com/livechat-public/v1/message/public?portalId=123 true']);
    assert.equal(errors.length, 0);
  });
});

test('widget_data: status and URL from resource timing (also one made before HubSpot showed up), token masked', async () => {
  await L.using(env.open('page.html'), async ({ page }) => {
    await L.waitForFake(page);
    await page.evaluate(() => fetch('/hs/livechat-public/v1/message/public?portalId=123&identificationToken=s3cr3t&email=a%40b.test'));
    await page.evaluate(() => window.fakeHS.boot());
    await page.evaluate(() => fetch('/_hcms/livechat/widget?portalId=123&identificationToken=another#x'));
    await page.evaluate(() => fetch('/other.json'));
    await L.sleep(300);
    const { records } = await L.collect(page);
    const data = kinds(records, 'widget_data');
    assert.deepEqual(data.map((r) => [new URL(r.url).pathname + new URL(r.url).search + new URL(r.url).hash, r.status]), [
      ['/hs/livechat-public/v1/message/public?portalId=123&identificationToken=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2&email=a%40b.test', 404],
      ['/_hcms/livechat/widget?portalId=123&identificationToken=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2#x', 404]]);
    assert.ok(data.every((r) => !r.url.includes('s3cr3t') && !r.url.includes('another') && r.duration >= 0));
    assert.ok(data[0].t < kinds(records, 'api')[0].t, 'timed when the request started');
  });
});

test('iframe: inserted before it loads, recorded before a page call made right after the insertion', async () => {
  await L.using(env.open('page.html?ids'), async ({ page }) => {
    await L.waitForFake(page);
    await page.evaluate(() => window.fakeHS.boot());
    await page.evaluate(() => window.fakeHS.waitLoaded());
    await L.sleep(50);
    let { records } = await L.collect(page);
    const st = { lastSeq: 0, doc: null };
    assert.deepEqual(records.filter((r) => r.k === 'iframe' || r.k === 'widget').map((r) => [r.k, r.inline, /chat\.html\?gen=1$/.test(r.src)]),
      [['iframe', false, true], ['widget', false, true]]);
    // A page that calls right after an iframe is inserted (e.g. in the initialized handler): insertion first.
    await page.evaluate(() => {
      const f = document.createElement('iframe');
      f.src = '/chat.html?inserted';
      document.getElementById('hubspot-messages-iframe-container').appendChild(f);
      window.HubSpotConversations.widget.open();
    });
    await L.sleep(50);
    ({ records } = await L.collect(page, st));
    assert.deepEqual(records.filter((r) => r.k === 'iframe' || r.k === 'page_call').map((r) => r.k), ['iframe', 'page_call']);
  });
});

test('chat_message: store-messages-cookie from the chat iframe (utk present or not); not from another frame', async () => {
  await L.using(env.open('page.html?autoboot&frame=hubspot', { routes: { 'https://app.hubspot.com/**': { type: 'text/html', body: L.CHAT_HTML } } }), async ({ page }) => {
    await L.waitForFake(page);
    await page.evaluate(() => window.fakeHS.waitLoaded());
    await page.evaluate(async () => {
      await window.fakeHS.fromChat({ type: 'store-messages-cookie', data: { messagesUtk: '0123456789abcdef0123456789abcdef' }, uuid: '00000000-0000-4000-8000-000000000002' });
      await window.fakeHS.fromChat({ type: 'store-messages-cookie', data: {}, uuid: '00000000-0000-4000-8000-000000000003' });
      const stray = await window.fakeHS.stray('https://app.hubspot.com/chat.html?stray');
      await stray({ type: 'store-messages-cookie', data: { messagesUtk: 'x' } });
    });
    const { records } = await L.collect(page);
    assert.deepEqual(kinds(records, 'chat_message').map((r) => [r.type, r.utk]), [['store-messages-cookie', true], ['store-messages-cookie', false]]);
  });
});

test('env: when HubSpot shows up, with each API object and on read_page', async () => {
  const facts = `window.disabledHsPopups = ['LIVE_CHAT', 7]; Object.defineProperty(String.prototype, 'toJSON', { value: function () {}, configurable: true });`;
  await L.using(env.open('page.html?lazy', { after: [facts] }), async ({ page }) => {
    await L.readyWithHello(page);
    // HubSpot shows up: the hello's scan finds the portal script, before the loader ran.
    assert.deepEqual(kinds((await L.collect(page)).records, 'env').map((r) => r.running), [false]);
    await page.evaluate(() => window.fakeHS.boot());
    await page.evaluate(() => window.HubSpotConversations.widget.load());
    await page.evaluate(() => window.__relay.send({ v: 1, type: 'read_page' }));
    const { records } = await L.collect(page);
    const envs = kinds(records, 'env');
    assert.equal(envs.length, 3);
    assert.deepEqual(envs.map((r) => r.running), [true, true, true]);
    assert.deepEqual((({ k, seq, t, ...rest }) => rest)(envs[0]), { secure: false, host: 'localhost', disabled_popups: ['LIVE_CHAT'],
      to_json: ['String'], running: true });
  });
});

test('loader: blocked (type text/plain) and again (removed and re-inserted); the same portal script twice is not again', async () => {
  await L.using(env.open('plain.html'), async ({ page }) => {
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.type = 'text/plain';                                       // a consent tool's rewrite
      s.src = '/hs-scripts/555.js';
      document.head.appendChild(s);
    });
    let { records } = await L.collect(page);
    assert.deepEqual(kinds(records, 'loader').map((r) => [r.portal, r.blocked, r.again]), [['555', true, false]]);
    await page.evaluate(async () => {
      window.fakeAutoBoot = true;                                    // the API keeps the hook observing
      const load = (src) => new Promise((r) => { const s = document.createElement('script'); s.src = src; s.onload = r; document.head.appendChild(s); });
      await load('/hs-scripts/123.js');
      await load('/hs-scripts/123.js');                              // included twice: harmless
      await new Promise((r) => setTimeout(r, 50));
      for (const s of document.querySelectorAll('script[src*="123.js"], #hubspot-messages-loader')) s.remove();
      await new Promise((r) => setTimeout(r, 50));
      await load('/hs-scripts/123.js');                              // a framework re-inserting the embed code
      await new Promise((r) => setTimeout(r, 100));
    });
    ({ records } = await L.collect(page));
    // (the portal script's load event and the loader element's mutation come in either order)
    assert.deepEqual(kinds(records, 'loader').map((r) => [r.again, r.src.replace(/^.*\//, ''), r.portal, r.blocked]).sort(), [
      [false, '123.js', '123', false], [false, 'loader.js', '123', false], [true, '123.js', '123', false], [true, 'loader.js', '123', false]]);
  });
});

test('hubspot:messages:initialized: the plain Event\'s own fields, a CustomEvent\'s detail wins, accessors not run', async () => {
  await L.using(env.open('embed.html'), async ({ page }) => {
    const runs = await page.evaluate(() => {
      let runs = 0;
      const plain = new Event('hubspot:messages:initialized');
      plain.messageWillRender = false;
      plain.reason = 'NO_CHAT_FOR_URL';
      window.dispatchEvent(plain);
      const custom = new CustomEvent('hubspot:messages:initialized', { detail: { messageWillRender: true, reason: 'WIDGET_WILL_RENDER' } });
      custom.messageWillRender = false;
      window.dispatchEvent(custom);
      const hostile = new Event('hubspot:messages:initialized');
      Object.defineProperty(hostile, 'messageWillRender', { get() { runs++; return true; } });
      hostile.reason = 42;
      window.dispatchEvent(hostile);
      const legacy = new Event('hubspot:messages:initialized');
      legacy.messageWillRender = true;                              // 2022 loader: no reason
      window.dispatchEvent(legacy);
      return runs;
    });
    assert.equal(runs, 0);
    const { records } = await L.collect(page);
    assert.deepEqual(kinds(records, 'event').map((r) => r.payload), [
      { messageWillRender: false, reason: 'NO_CHAT_FOR_URL' }, { messageWillRender: true, reason: 'WIDGET_WILL_RENDER' },
      { messageWillRender: null, reason: null }, { messageWillRender: true, reason: null }]);
  });
});

test('the diagnostics use none of the builtins the page replaced after start', async () => {
  await L.using(env.open('calls.html'), async ({ page }) => {
    await L.waitForFake(page);
    await page.evaluate(L.installSpies, L.HOOK_MARK);
    const hits = await page.evaluate(async () => {
      const { fn: spyFn, getter: spyGet, hits, restore } = window.__spies;
      for (const n of ['apply', 'construct']) spyFn(Reflect, n);
      for (const n of ['get', 'set']) spyFn(WeakMap.prototype, n);
      for (const n of ['PerformanceObserver', 'Error', 'WeakMap']) spyFn(window, n);
      spyFn(PerformanceObserver.prototype, 'observe');
      spyFn(PerformanceObserverEntryList.prototype, 'getEntries');
      for (const n of ['name', 'startTime', 'duration']) spyGet(PerformanceEntry.prototype, n);
      spyGet(PerformanceResourceTiming.prototype, 'responseStatus');
      spyGet(Event.prototype, 'type');
      spyGet(NavigationCurrentEntryChangeEvent.prototype, 'navigationType');
      for (const n of ['effectiveDirective', 'blockedURI', 'sourceFile']) spyGet(SecurityPolicyViolationEvent.prototype, n);
      try {
        const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
        window.fakeHS.boot();                                        // an onReady call, HubSpot shows up
        window.pageCall('widget.status');
        try { window.pageCall('on', [1, 2]); } catch (e) { /* the loader's own error */ }
        history.pushState({}, '', '/tampered');
        await fetch('/hs/livechat-public/v1/message/public?portalId=1');
        await window.fakeHS.waitLoaded();
        await sleep(100);
      } finally {
        restore();
      }
      return hits;
    });
    assert.deepEqual(hits, [], 'the hook used a builtin the page replaced');
    const { records } = await L.collect(page);
    assert.deepEqual(kinds(records, 'page_call').map((r) => [r.method, r.outcome]), [['on', 'returned'], ['widget.status', 'returned'], ['on', 'threw']]);
    assert.equal(kinds(records, 'nav').length, 1);
    assert.equal(kinds(records, 'widget_data').length, 1);
  });
});

test('page_call after a late injection: the object already there is wrapped, and its replacement', async () => {
  await L.using(env.open('page.html?autoboot', { hook: false }), async ({ page }) => {
    await L.waitForFake(page);
    await page.evaluate(() => window.fakeHS.waitLoaded());
    await page.addScriptTag({ content: L.hookSource() });
    await page.evaluate(() => { window.HubSpotConversations.widget.status(); window.HubSpotConversations.clear({ resetWidget: true }); });
    await page.evaluate(() => window.fakeHS.waitLoaded());
    await page.evaluate(() => window.HubSpotConversations.widget.open());
    const { records } = await L.collect(page);
    assert.deepEqual(kinds(records, 'page_call').map((r) => [r.method, r.generation, r.outcome]),
      [['widget.status', 1, 'returned'], ['clear', 1, 'returned'], ['widget.open', 2, 'returned']]);
  });
});
