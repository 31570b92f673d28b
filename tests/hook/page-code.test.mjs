// The hook must not change what the page sees, nor run page code to observe (issue 8):
// inherited HubSpotConversations / hsConversationsSettings, page-owned getters across DOM mutations,
// and payload/settings recording (no getter, toJSON, then, toString/valueOf, Symbol.toPrimitive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './lib.mjs';

const env = L.useBrowser();
const kinds = (records, k) => records.filter((r) => r.k === k);

// What the page reads through inherited values (data properties, then an inherited accessor), as a
// page script would, with and without the hook; a hello in between lets the hook observe.
const INHERITED_EARLY = 'Object.prototype.HubSpotConversations = { widget: { status: function () { return { loaded: true }; } } };';
async function inheritedRun(withHook, early) {
  return L.using(env.open('plain.html', { hook: withHook, before: early ? [INHERITED_EARLY] : [] }), async ({ page, errors }) => {
    const seen = await page.evaluate(() => {
      const out = {};
      if (!Object.prototype.HubSpotConversations) Object.prototype.HubSpotConversations = { widget: { status() { return { loaded: true }; } } };
      Object.prototype.hsConversationsSettings = { isFullscreen: false };
      try {
        out.status = window.HubSpotConversations.widget.status();
        out.settings = window.hsConversationsSettings.isFullscreen;
      } catch (e) {
        out.threw = String(e);
      }
      out.same = window.HubSpotConversations === Object.prototype.HubSpotConversations;
      window.__relay.hello();
      let store = 'initial', gets = 0, sets = 0;
      Object.defineProperty(EventTarget.prototype, 'HubSpotConversations', {
        get() { gets++; return store; }, set(v) { sets++; store = v; }, configurable: true,
      });
      out.read = window.HubSpotConversations;
      window.HubSpotConversations = 'assigned';
      out.afterSet = [window.HubSpotConversations, store];
      for (let i = 0; i < 20; i++) document.body.appendChild(document.createElement('p'));
      window.__relay.hello();
      out.counts = [gets, sets];
      out.keys = Object.keys(window).filter((k) => /HubSpot|hsConv/.test(k));
      delete EventTarget.prototype.HubSpotConversations;
      out.afterDelete = window.HubSpotConversations === Object.prototype.HubSpotConversations;
      window.HubSpotConversations = { own: true };
      out.own = [window.HubSpotConversations.own, Object.keys(window).filter((k) => /HubSpot/.test(k))];
      return out;
    });
    const { records } = withHook ? await L.collect(page) : { records: [] };
    return { seen, errors, records };
  });
}

test('inherited HubSpotConversations / hsConversationsSettings: the page reads what it inherits, identical with and without the hook', async () => {
  for (const early of [false, true]) {
    const without = await inheritedRun(false, early);
    const withHook = await inheritedRun(true, early);
    assert.deepEqual(without.seen.status, { loaded: true }, 'sanity: the inherited object works without the hook');
    assert.deepEqual(withHook.seen, without.seen, `early=${early}: what the page sees`);
    assert.deepEqual(withHook.seen.counts, [2, 1], 'the inherited getter and setter ran for the page reads only');
    assert.deepEqual(withHook.errors, without.errors);
    // What the hook observes: the inherited data object (read by descriptor), then the page's own assignment.
    const api = kinds(withHook.records, 'api');
    assert.deepEqual(api.map((r) => [r.state, r.generation]), [['ready', 1], ['ready', 2]]);
    assert.deepEqual(api[0].methods, ['widget.status']);
  }
});

// window.HubSpotConversations owned by the page (its accessor before the hook, or redefined over the
// trap): its getter runs as often with the hook as without across DOM mutations, plus at most one read
// per chat-iframe load.
async function getterCount(withHook, redefine) {
  const accessor = L.pageAccessor('HubSpotConversations', 'page', '__acc');
  return L.using(env.open('page.html', { hook: withHook, before: redefine ? [] : [accessor] }), async ({ page, errors }) => {
    await L.readyWithHello(page);
    const out = await page.evaluate(async (redefine) => {
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      let gets = 0, store;
      if (redefine) {
        Object.defineProperty(window, 'HubSpotConversations', {
          get() { gets++; return store; }, set(v) { store = v; }, configurable: true, enumerable: true,
        });
      }
      const count = () => (redefine ? gets : window.__acc().gets);
      const g0 = count();
      window.fakeHS.boot();
      await window.fakeHS.waitLoaded();
      await sleep(50);
      const boot = count() - g0;
      const g1 = count();
      for (let i = 0; i < 200; i++) {
        document.body.appendChild(document.createElement('p'));
        await new Promise((r) => setTimeout(r, 0));
      }
      window.__relay.hello();
      return { boot, mutations: count() - g1 };
    }, redefine);
    const { records } = await L.collect(page);
    return { ...out, errors, records };
  });
}

test("a page-owned HubSpotConversations getter is not run per DOM mutation (at most once per chat-iframe load)", async () => {
  for (const redefine of [false, true]) {
    const without = await getterCount(false, redefine);
    const withHook = await getterCount(true, redefine);
    assert.equal(without.mutations, 0, 'sanity: the page itself does not read it');
    assert.equal(withHook.mutations, 0, `redefine=${redefine}: 200 DOM mutations ran the page's getter ${withHook.mutations} times`);
    assert.ok(withHook.boot - without.boot <= 1, `redefine=${redefine}: ${withHook.boot - without.boot} extra reads at boot`);
    assert.deepEqual(kinds(withHook.records, 'api').map((r) => [r.state, r.generation]), [['ready', 1]], 'still observed at the iframe load');
    assert.deepEqual(withHook.errors, []);
  }
});

test('recording payloads, call values and settings runs no page code: getters, then, toJSON, toString/valueOf, toPrimitive, index getters, proxy get', async () => {
  await L.using(env.open('page.html'), async ({ page, errors }) => {
    await L.readyWithHello(page);
    // The user opted in to widgetHidden (the panel's `listen`): its payload is recorded the same way.
    await page.evaluate(() => window.__relay.send({ v: 1, type: 'listen', id: 1, event: 'widgetHidden' }));
    const calls = await page.evaluate(async () => {
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      await window.fakeHS.boot();
      await window.fakeHS.waitLoaded();
      await sleep(30);
      let calls = ''; // a string: Array.prototype[0] is a getter below
      const hit = (n) => () => { calls += n + ';'; return 'RAN'; };
      const traps = {};
      for (const t of ['get', 'has', 'getPrototypeOf', 'set', 'apply', 'construct', 'defineProperty', 'isExtensible']) {
        traps[t] = function () { calls += 'proxy.' + t + ';'; return Reflect[t].apply(null, arguments); };
      }
      const make = () => {
        const arr = [1, 2];
        Object.defineProperty(arr, 1, { get: hit('index getter'), enumerable: true });
        return {
          get counted() { return hit('getter')(); },
          get then() { return hit('then getter')(); },
          thenable: { then: hit('then()') },
          prim: { toJSON: hit('toJSON'), toString: hit('toString'), valueOf: hit('valueOf'), [Symbol.toPrimitive]: hit('toPrimitive') },
          arr,
          holey: [, 'b'], // eslint-disable-line no-sparse-arrays
          proxy: new Proxy({ a: 1 }, traps),
          proxyArr: new Proxy([1, 2], traps),
          plain: { s: 'x', n: 1 },
        };
      };
      Object.defineProperty(Array.prototype, '0', { get: hit('Array.prototype[0]'), configurable: true });
      Object.prototype.toJSON = hit('Object.prototype.toJSON');
      try {
        window.fakeHS.hide(make());
        window.dispatchEvent(new CustomEvent('hubspot:messages:initialized', { detail: make() }));
        window.HubSpotConversations.widget.status = () => make();
        window.__relay.send('{"v":1,"type":"call","id":7,"method":"widget.status","args":[]}');
        window.hsConversationsSettings = {
          get identificationToken() { return hit('token getter')(); }, get inlineEmbedSelector() { return hit('selector getter')(); },
          get loadImmediately() { return hit('loadImmediately getter')(); }, isFullscreen: make().prim,
        };
        window.__relay.send('{"v":1,"type":"read_page"}');
      } finally {
        delete Array.prototype[0];
        delete Object.prototype.toJSON;
      }
      return calls;
    });
    assert.equal(calls, '', 'page code ran while recording');
    await L.sleep(100);
    const { records } = await L.collect(page);
    const expected = {
      counted: '[getter]', then: '[getter]', thenable: { then: '[function]' },
      prim: { toJSON: '[function]', toString: '[function]', valueOf: '[function]' },
      arr: [1, '[getter]'], holey: ['[undefined]', 'b'], proxy: { a: 1 }, proxyArr: [1, 2], plain: { s: 'x', n: 1 },
    };
    assert.deepEqual(kinds(records, 'event').find((r) => r.via === 'on').payload, expected);
    // The initialized event's payload is its two fields only (docs/diagnostics.md §1), read the same way.
    assert.deepEqual(kinds(records, 'event').filter((r) => r.via === 'dom').pop().payload, { messageWillRender: null, reason: null });
    assert.deepEqual(kinds(records, 'call').find((r) => r.method === 'widget.status').value, expected);
    const settings = kinds(records, 'settings').filter((r) => r.fields.identificationToken);
    assert.deepEqual(settings.map((r) => r.source), ['assigned', 'read']);
    for (const r of settings) {
      assert.deepEqual(r.fields, {
        identificationToken: { type: 'accessor', value: '[getter]' }, inlineEmbedSelector: { type: 'accessor', value: '[getter]' },
        loadImmediately: { type: 'accessor', value: '[getter]' }, isFullscreen: { type: 'object', value: expected.prim },
      });
    }
    assert.deepEqual(kinds(records, 'inline').pop().selector, '', 'the selector getter is not run');
    assert.deepEqual(errors, []);
  });
});
