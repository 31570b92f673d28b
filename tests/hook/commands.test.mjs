// Unit tests of the hook's commands side (docs/protocol.md §5) in real Chromium, without the
// extension: the panel's calls, window.hsConversationsSettings, the inline embed record and the
// api record's `methods`. The relay is emulated (lib.mjs): window.__relay.send(command) dispatches
// a command and returns how many batches the hook sent during that dispatch.
// Run: node --test tests/hook/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './lib.mjs';

const env = L.useBrowser();

const kinds = (records, k) => records.filter((r) => r.k === k);
const FAKE_METHODS = ['clear', 'debug', 'off', 'on', 'resetAndReloadWidget', 'widget.close', 'widget.load',
  'widget.open', 'widget.refresh', 'widget.remove', 'widget.status'];
let nextId = 1;
const call = (method, args = []) => ({ v: 1, type: 'call', id: nextId++, method, args });

/** Send one command; it must be answered synchronously by exactly one batch. Returns its records. */
// Commands travel as JSON text (the page's prototypes must not disturb how the test builds them).
const text = (cmd) => (typeof cmd === 'string' ? cmd : JSON.stringify(cmd));
async function command(page, cmd, state) {
  const n = await page.evaluate((c) => window.__relay.send(c), text(cmd));
  assert.equal(n, 1, `the hook answers ${JSON.stringify(cmd)} with one batch during the dispatch`);
  return (await L.collect(page, state, { flush: false })).records;
}
/** A command the hook must refuse: no record, no batch. */
async function refused(page, cmd, state) {
  assert.equal(await page.evaluate((c) => window.__relay.send(c), text(cmd)), 0, `refused: ${text(cmd)}`);
  assert.deepEqual((await L.collect(page, state, { flush: false })).records, []);
}
const onlyCall = (records) => {
  const calls = kinds(records, 'call');
  assert.equal(calls.length, 1, JSON.stringify(records));
  return calls[0];
};

test('calls: every outcome, against the CURRENT object, with its this and arguments', async () => {
  await L.using(env.open('page.html?lazy&ids'), async ({ page, errors, consoleMessages }) => {
    await L.waitForFake(page);
    const st = (await L.collect(page)).state;

    // No object yet: not_ready, nothing called.
    let c = onlyCall(await command(page, call('widget.status'), st));
    assert.deepEqual({ ...c, seq: 0, t: 0 }, { k: 'call', seq: 0, t: 0, id: c.id, method: 'widget.status', args: [],
      outcome: 'not_ready', value: null, error: '' });

    // The placeholder's load() with widgetOpen: it assigns the real object during the call.
    await page.evaluate(() => window.fakeHS.boot());
    await L.collect(page, st);
    let recs = L.withoutDiagnostics(await command(page, call('widget.load', [{ widgetOpen: true }]), st));
    assert.deepEqual(recs.map((r) => r.k), ['api', 'settings', 'call'], 'the new object is recorded before the call');
    c = onlyCall(recs);
    assert.equal(c.outcome, 'returned');
    assert.deepEqual(c.args, [{ widgetOpen: true }]);
    assert.equal(c.value, null, 'undefined is returned as null');
    assert.ok(c.t <= recs[0].t, 'a call is timed when it started (the throttle model needs that)');
    await page.evaluate(() => window.fakeHS.waitLoaded());
    await L.sleep(50);
    await L.collect(page, st);

    // status() returns {loaded, pending}; refresh/open/close/remove with this = object.widget.
    c = onlyCall(await command(page, call('widget.status'), st));
    assert.deepEqual([c.outcome, c.value], ['returned', { loaded: true, pending: false }]);
    for (const [m, a] of [['widget.refresh', [{ openToNewThread: true }]], ['widget.refresh', []], ['widget.open', []],
      ['widget.close', []], ['debug', [false]], ['clear', [{ resetWidget: false }]], ['clear', []]]) {
      c = onlyCall(await command(page, call(m, a), st));
      assert.deepEqual([c.method, c.outcome, c.args], [m, 'returned', a]);
    }
    // clear({resetWidget:true}) replaces the object: the next call reaches the NEW one.
    const main = (records) => L.withoutDiagnostics(records).filter((r) => r.k !== 'widget').map((r) => r.k); // removals arrive by MutationObserver
    recs = await command(page, call('clear', [{ resetWidget: true }]), st);
    assert.deepEqual(main(recs), ['api', 'settings', 'call']);
    assert.equal(kinds(recs, 'api')[0].generation, 3);
    c = onlyCall(await command(page, call('widget.remove'), st));
    assert.equal(c.outcome, 'returned');
    recs = await command(page, call('resetAndReloadWidget'), st);
    assert.deepEqual(main(recs), ['api', 'settings', 'call']);

    const log = await page.evaluate(() => window.fakeHS.log.calls);
    assert.deepEqual(log.map((x) => [x.gen, x.method, x.self, JSON.stringify(x.args)]), [
      [1, 'widget.load', 'widget', '[{"widgetOpen":true}]'],
      [2, 'widget.status', 'widget', '[]'],
      [2, 'widget.refresh', 'widget', '[{"openToNewThread":true}]'],
      [2, 'widget.refresh', 'widget', '[]'],
      [2, 'widget.open', 'widget', '[]'],
      [2, 'widget.close', 'widget', '[]'],
      [2, 'debug', 'object', '[false]'],
      [2, 'clear', 'object', '[{"resetWidget":false}]'],
      [2, 'clear', 'object', '[]'],
      [2, 'clear', 'object', '[{"resetWidget":true}]'],
      [3, 'widget.remove', 'widget', '[]'],
      [3, 'resetAndReloadWidget', 'object', '[]'],
    ], 'each call reached the current object once, with exactly the given arguments');
    assert.equal(await page.evaluate(() => window.HubSpotConversations.__gen), 4);

    // threw: Error subclasses, a custom name, the loader's Invariant Violation, non-Error values.
    const thrown = await page.evaluate(() => {
      const hs = window.HubSpotConversations;
      const throwers = [
        () => { throw new TypeError('boom'); },
        () => { const e = new Error('Expected mergedSettings.loadImmediately to be a boolean'); e.name = 'Invariant Violation'; throw e; },
        () => { throw 'a string'; }, // eslint-disable-line no-throw-literal
        () => { throw 42; }, // eslint-disable-line no-throw-literal
        () => { throw { name: 7, get message() { throw new Error('no'); } }; }, // eslint-disable-line no-throw-literal
        () => { throw new Error('x'.repeat(5000)); },
        () => { throw Symbol('s'); },
      ];
      window.__throwers = throwers;
      window.__i = 0;
      hs.widget.close = function () { return throwers[window.__i++](); };
      return throwers.length;
    });
    const texts = [];
    for (let i = 0; i < thrown; i++) {
      c = onlyCall(await command(page, call('widget.close'), st));
      assert.equal(c.outcome, 'threw');
      assert.equal(c.value, null);
      texts.push(c.error);
    }
    assert.deepEqual(texts.slice(0, 5), ['TypeError: boom',
      'Invariant Violation: Expected mergedSettings.loadImmediately to be a boolean', 'a string', '42', 'Error']);
    assert.equal(texts[5].length, 2048);
    assert.ok(texts[5].startsWith('Error: xxx'));
    assert.equal(texts[6], 'Symbol');

    // missing: the object (or its widget) has no such method, or it is not a function.
    await page.evaluate(() => { delete window.HubSpotConversations.debug; window.HubSpotConversations.widget.open = 'nope'; });
    for (const [m, a] of [['debug', [true]], ['widget.open', []]]) {
      c = onlyCall(await command(page, call(m, a), st));
      assert.deepEqual([c.method, c.outcome, c.value, c.error], [m, 'missing', null, '']);
    }
    await page.evaluate(() => { window.HubSpotConversations.widget = null; });
    assert.equal(onlyCall(await command(page, call('widget.load'), st)).outcome, 'missing');

    // A sanitised return value (cycles, functions) and a non-object API value (not_ready).
    await page.evaluate(() => {
      const r = { a: 1, f() {} };
      r.self = r;
      window.HubSpotConversations.clear = () => r;
    });
    c = onlyCall(await command(page, call('clear'), st));
    assert.deepEqual(c.value, { a: 1, f: '[function]', self: '[Circular]' });
    await page.evaluate(() => { window.HubSpotConversations = 5; });
    await L.collect(page, st);
    assert.equal(onlyCall(await command(page, call('clear'), st)).outcome, 'not_ready');

    assert.equal(await page.evaluate(() => window.fakeHS.log.calls.length), 12, 'no SDK call besides the ones asked for');
    assert.deepEqual(errors, []);
    assert.deepEqual(consoleMessages.filter((m) => !m.startsWith('log: onReady')), []);
  });
});

test('calls: malformed commands are refused (method list, option names, arity, id)', async () => {
  await L.using(env.open('page.html'), async ({ page, errors }) => {
    await L.waitForFake(page);
    await page.evaluate(() => { window.fakeHS.boot(); return window.fakeHS.waitLoaded(); });
    const st = (await L.collect(page)).state;
    const bad = [
      call('eval'), call('on', ['widgetHidden']), call('constructor'), call('__proto__'), call('widget.constructor'),
      call('widget.load', [{ resetWidget: true }]), call('widget.load', [{ widgetOpen: 'yes' }]),
      call('widget.load', [{ widgetOpen: true, x: true }]), call('widget.open', [{ widgetOpen: true }]),
      call('widget.load', [true]), call('widget.load', [[true]]), call('widget.load', [null]),
      call('clear', [{ resetWidget: true }, {}]), call('debug'), call('debug', ['true']), call('debug', [{ debug: true }]),
      { v: 1, type: 'call', id: -1, method: 'clear', args: [] },
      { v: 1, type: 'call', id: 1.5, method: 'clear', args: [] },
      { v: 1, type: 'call', id: '3', method: 'clear', args: [] },
      { v: 1, type: 'call', id: 2 ** 60, method: 'clear', args: [] },
      { v: 1, type: 'call', method: 'clear', args: [] },
      { v: 1, type: 'call', id: 3, method: 'clear' },
      { v: 2, type: 'call', id: 3, method: 'clear', args: [] },
      { v: 1, type: 'eval', id: 3, method: 'clear', args: [] },
      `{"v":1,"type":"call","id":3,"method":"clear","args":[],"pad":"${'x'.repeat(5000)}"}`,
      '{"v":1,"type":"call", broken',
    ];
    for (const cmd of bad) await refused(page, cmd, st);
    assert.deepEqual(await page.evaluate(() => window.fakeHS.log.calls), [], 'nothing was called');
    // …and a valid one still works afterwards.
    assert.equal(onlyCall(await command(page, call('clear'), st)).outcome, 'returned');
    assert.deepEqual(errors, []);
  });
});

test('calls: getters are invoked at most once, accessors of the page win, a page-owned API property is used', async () => {
  const PAGE_ACCESSOR = L.pageAccessor('HubSpotConversations', 'page', '__gets');
  await L.using(env.open('page.html', { before: [PAGE_ACCESSOR] }), async ({ page, errors }) => {
    await L.waitForFake(page);
    await page.evaluate(() => { window.fakeHS.boot(); return window.fakeHS.waitLoaded(); });
    const st = (await L.collect(page)).state;
    const g0 = await page.evaluate(() => window.__gets().gets);
    let c = onlyCall(await command(page, call('widget.status'), st));
    assert.deepEqual(c.value, { loaded: true, pending: false });
    assert.equal(await page.evaluate(() => window.__gets().gets) - g0, 1, "the page's getter ran once for the call");

    // widget and clear as accessors (the page's or a proxy-like SDK): each getter runs once per call.
    await page.evaluate(() => {
      const hs = window.HubSpotConversations;
      const w = hs.widget;
      window.__count = { widget: 0, clear: 0, proto: 0 };
      Object.defineProperty(hs, 'widget', { get() { window.__count.widget++; return w; }, configurable: true });
      const clear = hs.clear;
      delete hs.clear;
      Object.setPrototypeOf(hs, { get clear() { window.__count.clear++; return clear; } });
      Object.defineProperty(Object.prototype, 'widgetOpen', { get() { window.__count.proto++; return true; }, configurable: true });
    });
    c = onlyCall(await command(page, call('widget.load', [{ widgetOpen: false }]), st));
    assert.deepEqual([c.outcome, c.args], ['returned', [{ widgetOpen: false }]]);
    c = onlyCall(await command(page, call('clear'), st));
    assert.equal(c.outcome, 'returned');
    const counts = await page.evaluate(() => { delete Object.prototype.widgetOpen; return window.__count; });
    assert.deepEqual(counts, { widget: 1, clear: 1, proto: 0 });
    const log = await page.evaluate(() => window.fakeHS.log.calls.map((x) => [x.method, JSON.stringify(x.args)]));
    assert.deepEqual(log.slice(-2), [['widget.load', '[{"widgetOpen":false}]'], ['clear', '[]']]);

    // A getter that throws: the call reports it (threw), nothing escapes into the page.
    await page.evaluate(() => Object.defineProperty(window.HubSpotConversations, 'widget', { get() { throw new RangeError('trap'); } }));
    c = onlyCall(await command(page, call('widget.open'), st));
    assert.deepEqual([c.outcome, c.error], ['threw', 'RangeError: trap']);
    assert.deepEqual(errors, []);
  });
});

test('settings: assigned before the loader, read when each object is assigned, after the loader, token masked', async () => {
  await L.using(env.open('page.html?lazy'), async ({ page, errors }) => {
    await L.waitForFake(page);
    const raw = [];
    let got = await L.collect(page);
    raw.push(...got.batches.map((b) => JSON.stringify(b)));
    let settings = kinds(got.records, 'settings');
    assert.deepEqual(settings, [{ k: 'settings', seq: settings[0].seq, t: settings[0].t, source: 'assigned', phase: 'before_loader',
      present: true, fields: { loadImmediately: { type: 'boolean', value: false } } }]);

    // The getter returns exactly the assigned object; in-place mutations are the page's business.
    const same = await page.evaluate(() => {
      const o = window.hsConversationsSettings;
      o.isFullscreen = 'no';
      const d = Object.getOwnPropertyDescriptor(window, 'hsConversationsSettings');
      return [o === window.hsConversationsSettings, d.enumerable, d.configurable, Object.keys(window).includes('hsConversationsSettings')];
    });
    assert.deepEqual(same, [true, true, true, true]);

    // Each API object: a settings read right after its api record (what the loader just read).
    await page.evaluate(() => { window.fakeHS.boot(); window.HubSpotConversations.widget.load(); });
    got = await L.collect(page, got.state);
    assert.deepEqual(got.records.filter((r) => r.k === 'api' || r.k === 'settings').map((r) => [r.k, r.source ?? r.generation]),
      [['api', 1], ['settings', 'read'], ['api', 2], ['settings', 'read']]);
    const snap = kinds(got.records, 'settings')[0];
    assert.equal(snap.phase, 'after_loader');
    assert.deepEqual(snap.fields, { loadImmediately: { type: 'boolean', value: false }, isFullscreen: { type: 'string', value: 'no' } },
      'the read sees the in-place mutation');

    // Assigned AFTER the loader read it: recorded with phase after_loader; every type; the token masked.
    await page.evaluate(() => {
      window.hsConversationsSettings = {
        identificationToken: 'secret-token-0123456789', identificationEmail: 'visitor@example.test', loadImmediately: 'yes',
        n: null, list: [1, 'a'], fn() {}, u: undefined, nested: { deep: { x: 1 } }, get thrower() { throw new Error('no'); },
      };
    });
    got = await L.collect(page, got.state);
    raw.push(...got.batches.map((b) => JSON.stringify(b)));
    settings = kinds(got.records, 'settings');
    assert.equal(settings.length, 1);
    assert.deepEqual([settings[0].source, settings[0].phase, settings[0].present], ['assigned', 'after_loader', true]);
    assert.deepEqual(settings[0].fields, {
      identificationToken: { type: 'string', value: '•••• (23 chars)' },
      identificationEmail: { type: 'string', value: 'visitor@example.test' },
      loadImmediately: { type: 'string', value: 'yes' },
      n: { type: 'null', value: null },
      list: { type: 'array', value: [1, 'a'] },
      fn: { type: 'function', value: '[function]' },
      u: { type: 'undefined', value: '[undefined]' },
      nested: { type: 'object', value: { deep: { x: 1 } } },
      thrower: { type: 'accessor', value: '[getter]' },
    });

    // A read_page command: the current value with its in-place mutations, plus an inline record.
    await page.evaluate(() => { window.hsConversationsSettings.identificationToken = 'another-secret'; window.hsConversationsSettings.isFullscreen = true; });
    // The chat iframe's load may be reported in the same window: only the read_page records count.
    const recs = L.withoutDiagnostics(await command(page, { v: 1, type: 'read_page' }, got.state)).filter((r) => r.k !== 'widget');
    raw.push(JSON.stringify(recs));
    assert.deepEqual(recs.map((r) => r.k), ['settings', 'inline']);
    assert.deepEqual([recs[0].source, recs[0].phase], ['read', 'after_loader']);
    assert.deepEqual(recs[0].fields.identificationToken, { type: 'string', value: '•••• (14 chars)' });
    assert.deepEqual(recs[0].fields.isFullscreen, { type: 'boolean', value: true });
    assert.deepEqual(recs[1], { ...recs[1], selector: '', exists: false, width: 0, height: 0 });

    // Not an object, a non-string token, many keys, huge values: bounded; then deleted and re-assigned.
    await page.evaluate(() => {
      window.hsConversationsSettings = 'oops';
      window.hsConversationsSettings = { identificationToken: 12345 };
      const many = {};
      for (let i = 0; i < 300; i++) many['k' + i] = 'v'.repeat(3000) + i;
      window.hsConversationsSettings = many;
    });
    got = await L.collect(page, got.state);
    settings = kinds(got.records, 'settings');
    assert.deepEqual(settings.map((r) => [r.present, Object.keys(r.fields).length]), [[false, 0], [true, 1], [true, 100]]);
    assert.deepEqual(settings[1].fields.identificationToken, { type: 'number', value: 12345 });
    assert.ok(JSON.stringify(settings[2]).length < 70000, 'a settings record is budgeted like a payload');
    assert.ok(JSON.stringify(settings[2]).includes('[Truncated]'));

    await page.evaluate(() => { delete window.hsConversationsSettings; window.hsConversationsSettings = { isFullscreen: false }; });
    const afterDelete = await command(page, { v: 1, type: 'read_page' }, got.state);
    assert.deepEqual(kinds(afterDelete, 'settings').map((r) => [r.source, JSON.stringify(r.fields)]), [
      ['assigned', '{"isFullscreen":{"type":"boolean","value":false}}'],
      ['read', '{"isFullscreen":{"type":"boolean","value":false}}'],
    ], 'a plain property the page re-created is seen (and trapped again) at the next reading');
    await page.evaluate(() => { window.hsConversationsSettings = { disableAttachment: true }; });
    got = await L.collect(page, got.state);
    assert.deepEqual(kinds(got.records, 'settings').map((r) => Object.keys(r.fields)), [['disableAttachment']]);

    for (const r of raw) assert.ok(!r.includes('secret'), 'the identification token never leaves the page');
    assert.deepEqual(errors, []);
  });
});

test("settings: the page's own accessor wins (read once per API object); defined before a late hook", async () => {
  const PAGE_SETTINGS = L.pageAccessor('hsConversationsSettings', 'settings', '__sgets');
  await L.using(env.open('page.html?lazy', { before: [PAGE_SETTINGS] }), async ({ page, errors }) => {
    await L.waitForFake(page);
    let got = await L.collect(page);
    assert.deepEqual(kinds(got.records, 'settings'), [], 'assignments through the page accessor are not seen');
    const before = await page.evaluate(() => window.__sgets().gets);
    await page.evaluate(() => window.fakeHS.boot());
    const after = await page.evaluate(() => ({
      gets: window.__sgets().gets,
      getter: Object.getOwnPropertyDescriptor(window, 'hsConversationsSettings').get.name,
    }));
    // The fake loader reads it once (settings()); the hook once more.
    assert.deepEqual(after, { gets: before + 2, getter: 'settingsGet' });
    got = await L.collect(page, got.state);
    assert.deepEqual(got.records.filter((r) => r.k === 'api' || r.k === 'settings').map((r) => [r.k, r.source ?? r.state, r.phase ?? '']), [
      ['settings', 'assigned', 'before_loader'], ['api', 'placeholder', ''], ['settings', 'read', 'after_loader'],
    ], 'the value the loader read was assigned before it read it; loadImmediately:false read through the page accessor');
    assert.deepEqual(kinds(got.records, 'settings')[0].fields, { loadImmediately: { type: 'boolean', value: false } });
    assert.deepEqual(errors, []);
  });

  // Settings (and the API) defined before a late hook: one assigned record at start, converted in place.
  const late = await env.open('page.html?autoboot&inline', { hook: false });
  try {
    await L.waitForFake(late.page);
    await late.page.evaluate(() => window.fakeHS.waitLoaded());
    const keys = await late.page.evaluate(() => Object.keys(window));
    await late.page.addScriptTag({ content: L.hookSource() });
    const now = await late.page.evaluate(() => {
      const d = Object.getOwnPropertyDescriptor(window, 'hsConversationsSettings');
      return { keys: Object.keys(window), accessor: typeof d.get === 'function', enumerable: d.enumerable };
    });
    assert.deepEqual(now, { keys, accessor: true, enumerable: true });
    const { records } = await L.collect(late.page);
    assert.deepEqual(L.withoutDiagnostics(records).filter((r) => r.k !== 'loader').map((r) => [r.k, r.source ?? r.state ?? r.loaded ?? r.selector]), [
      ['settings', 'assigned'], ['api', 'ready'], ['settings', 'read'], ['inline', '#embed'], ['widget', true], ['inline', '#embed'],
    ]);
    assert.equal(records[0].phase, 'before_loader');
    assert.deepEqual(records[0].fields.inlineEmbedSelector, { type: 'string', value: '#embed' });
    await late.page.evaluate(() => { window.hsConversationsSettings = {}; });
    const again = await L.collect(late.page);
    assert.deepEqual(kinds(again.records, 'settings').map((r) => [r.source, r.phase]), [['assigned', 'after_loader']]);
    assert.deepEqual(late.errors, []);
  } finally {
    await late.close();
  }
});

test('inline: a record with each API object and each chat-iframe widget record when a selector is set, and on read_page', async () => {
  await L.using(env.open('page.html?inline'), async ({ page, errors }) => {
    await L.waitForFake(page);
    await page.evaluate(() => { window.fakeHS.boot(); return window.fakeHS.waitLoaded(); });
    let got = await L.collect(page);
    const pick = (records) => records.filter((r) => r.k === 'widget' || r.k === 'inline')
      .map((r) => (r.k === 'widget' ? ['widget', r.loaded, r.inline] : ['inline', r.selector, r.exists, r.width, r.height]));
    const size = await page.evaluate(() => {
      const r = document.getElementById('hubspot-conversations-inline-iframe').getBoundingClientRect();
      return [r.width, r.height];
    });
    assert.ok(size[0] > 0 && size[1] > 0);
    // When the object is assigned the loader has not rendered yet: the target exists, no iframe.
    assert.deepEqual(pick(got.records), [['inline', '#embed', true, 0, 0], ['widget', true, true], ['inline', '#embed', true, ...size]]);

    // The target moved to a selector that finds nothing, an invalid selector: exists false, no error.
    for (const [sel, exists] of [['#nope', false], ['[[invalid', false], ['#embed', true]]) {
      await page.evaluate((s) => { window.hsConversationsSettings.inlineEmbedSelector = s; }, sel);
      const recs = await command(page, { v: 1, type: 'read_page' }, got.state);
      assert.deepEqual(pick(recs), [['inline', sel, exists, ...size]]);
    }
    // The embed goes away with an ancestor: the widget record is followed by an inline record.
    await page.evaluate(() => document.getElementById('s').remove());
    await L.sleep(50);
    got = await L.collect(page, got.state);
    assert.deepEqual(pick(got.records), [['widget', false, true], ['inline', '#embed', false, 0, 0]]);
    assert.deepEqual(errors, []);
  });

  // Floating widget, no selector: widget records come alone.
  const floating = await env.open('page.html');
  try {
    await L.waitForFake(floating.page);
    await floating.page.evaluate(() => { window.fakeHS.boot(); return window.fakeHS.waitLoaded(); });
    const { records } = await L.collect(floating.page);
    assert.equal(kinds(records, 'widget').length, 1);
    assert.deepEqual(kinds(records, 'inline'), []);
  } finally {
    await floating.close();
  }

  // A target that does not exist: known as soon as the object is assigned (nothing renders).
  const missing = await env.open('page.html?inline', { before: [
    "document.addEventListener('DOMContentLoaded', () => document.getElementById('embed').remove());"] });
  try {
    await L.waitForFake(missing.page);
    await missing.page.evaluate(() => window.fakeHS.boot());
    await L.sleep(100);
    const { records } = await L.collect(missing.page);
    assert.deepEqual(records.filter((r) => r.k === 'inline' || r.k === 'widget').map((r) => [r.k, r.selector, r.exists, r.width]),
      [['inline', '#embed', false, 0]]);
  } finally {
    await missing.close();
  }
});

test('api record methods: own and inherited functions of the object and of object.widget, sorted; no getter runs', async () => {
  await L.using(env.open('page.html?lazy'), async ({ page, errors }) => {
    await L.waitForFake(page);
    await page.evaluate(() => { window.fakeHS.boot(); window.HubSpotConversations.widget.load(); });
    let got = await L.collect(page);
    assert.deepEqual(kinds(got.records, 'api').map((r) => [r.state, r.methods]), [
      ['placeholder', FAKE_METHODS], ['ready', FAKE_METHODS],
    ]);
    const counts = await page.evaluate(() => {
      const count = { n: 0 };
      class Base { zeta() {} get trapped() { count.n++; return () => {}; } }
      class Api extends Base { constructor() { super(); this.own = function () {}; this.data = 3; } alpha() {} }
      const api = new Api();
      const widgetProto = { load() {}, get status() { count.n++; return () => {}; } };
      const widget = Object.create(widgetProto);
      widget.open = () => {};
      Object.defineProperty(widget, 'hidden', { value() {}, enumerable: false });
      api.widget = widget;
      Object.defineProperty(api, 'lazy', { get() { count.n++; return () => {}; } });
      window.HubSpotConversations = api;
      window.HubSpotConversations = { get widget() { count.n++; return {}; }, on() {} };
      window.HubSpotConversations = Object.assign(function callable() {}, { clear() {} });
      delete window.HubSpotConversations;
      document.body.appendChild(document.createElement('p')); // a DOM moment: the hook notices the deletion
      return count.n;
    });
    assert.equal(counts, 0, 'no getter was invoked');
    await L.sleep(50);
    got = await L.collect(page, got.state);
    assert.deepEqual(kinds(got.records, 'api').map((r) => r.methods), [
      ['alpha', 'own', 'widget.hidden', 'widget.load', 'widget.open', 'zeta'],
      ['on'],
      ['clear'],
      [],
    ]);
    assert.deepEqual(errors, []);
  });
});

test('commands, settings and inline use none of the builtins the page replaced', async () => {
  await L.using(env.open('page.html?inline&ids'), async ({ page, errors }) => {
    await L.waitForFake(page);
    await page.evaluate(() => { window.fakeHS.boot(); return window.fakeHS.waitLoaded(); });
    let got = await L.collect(page);
    await page.evaluate(L.installSpies, L.HOOK_MARK);
    const { hits, sent } = await page.evaluate(async () => {
      const { fn: spyFn, getter: spyGet, proto: spyProto, hits, restore } = window.__spies;
      for (const n of ['parse', 'stringify']) spyFn(JSON, n);
      for (const n of ['keys', 'getOwnPropertyNames', 'getPrototypeOf', 'getOwnPropertyDescriptor', 'defineProperty', 'create']) spyFn(Object, n);
      spyFn(Object.prototype, 'hasOwnProperty');
      for (const n of ['call', 'apply', 'bind']) spyFn(Function.prototype, n);
      for (const n of ['sort', 'push', 'join', 'slice', 'indexOf']) spyFn(Array.prototype, n);
      for (const n of ['slice', 'indexOf', 'startsWith']) spyFn(String.prototype, n);
      spyFn(Array, 'isArray');
      spyFn(Document.prototype, 'querySelector');
      spyFn(Document.prototype, 'getElementById');
      spyFn(Element.prototype, 'getBoundingClientRect');
      spyFn(Performance.prototype, 'now');
      spyFn(EventTarget.prototype, 'dispatchEvent');
      spyFn(window, 'CustomEvent');
      for (const n of ['width', 'height']) spyGet(DOMRectReadOnly.prototype, n);
      spyGet(Element.prototype, 'localName');
      spyGet(CustomEvent.prototype, 'detail');
      // (value/writable/get/set on Object.prototype would break every defineProperty of the page itself)
      for (const n of ['toJSON', 'widgetOpen', 'resetWidget', 'loadImmediately', 'inlineEmbedSelector',
        'enumerable', 'configurable', 'detail', 'name', 'message']) spyProto(Object.prototype, n);
      spyProto(Array.prototype, 'toJSON'); // (index setters would catch the relay emulation's own listener)
      const sent = [];
      try {
        const send = (s) => sent.push(window.__relay.send(s));
        send('{"v":1,"type":"call","id":1,"method":"widget.status","args":[]}');
        send('{"v":1,"type":"call","id":2,"method":"widget.load","args":[{"widgetOpen":true}]}');
        send('{"v":1,"type":"call","id":3,"method":"clear","args":[{"resetWidget":false}]}');
        send('{"v":1,"type":"call","id":4,"method":"debug","args":[true]}');
        window.HubSpotConversations.widget.open = function () { throw new TypeError('tampered world'); };
        send('{"v":1,"type":"call","id":5,"method":"widget.open","args":[]}');
        send('{"v":1,"type":"read_page"}');
        window.hsConversationsSettings = { inlineEmbedSelector: '#embed', identificationToken: 'tok', list: [1, 2] };
        send('{"v":1,"type":"call","id":6,"method":"clear","args":[{"resetWidget":true}]}');
        await window.fakeHS.waitLoaded();
        await new Promise((r) => setTimeout(r, 50));
        send('{"v":1,"type":"read_page"}');
      } finally {
        restore();
      }
      return { hits, sent };
    });
    assert.deepEqual(hits, [], 'the hook used a builtin the page replaced');
    assert.deepEqual(sent, [1, 1, 1, 1, 1, 1, 1, 1]);
    got = await L.collect(page, got.state);
    assert.deepEqual(kinds(got.records, 'call').map((r) => [r.id, r.outcome, r.error]), [
      [1, 'returned', ''], [2, 'returned', ''], [3, 'returned', ''], [4, 'returned', ''], [5, 'threw', 'TypeError: tampered world'],
      [6, 'returned', ''],
    ]);
    assert.deepEqual(kinds(got.records, 'call')[0].value, { loaded: true, pending: false });
    const inl = kinds(got.records, 'inline');
    assert.ok(inl.every((r) => r.selector === '#embed' && r.exists), JSON.stringify(inl));
    assert.ok(inl.filter((r) => r.width > 0 && r.height > 0).length >= 3, JSON.stringify(inl));
    assert.deepEqual(kinds(got.records, 'settings').map((r) => [r.source, r.phase]),
      [['read', 'after_loader'], ['assigned', 'after_loader'], ['read', 'after_loader'], ['read', 'after_loader']]);
    assert.deepEqual(kinds(got.records, 'settings')[1].fields.list, { type: 'array', value: [1, 2] });
    assert.deepEqual(kinds(got.records, 'api').map((r) => [r.generation, r.methods.length]), [[2, FAKE_METHODS.length]]);
    assert.deepEqual(errors, []);
  });
});

test('quiet and drain (the toolbar badge samples a tab no panel watches): nothing sent until drained', async () => {
  await L.using(env.open('page.html?lazy&ids'), async ({ page }) => {
    await L.waitForFake(page);
    const st = (await L.collect(page)).state; // hello: the hook streams
    assert.equal(await page.evaluate(() => window.__relay.send('{"v":1,"type":"quiet"}')), 0, 'quiet is not answered');
    await page.evaluate(() => window.fakeHS.boot()); // records: api, settings, …
    await L.sleep(150);
    assert.deepEqual(await page.evaluate(() => window.__relay.take()), [], 'quiet: nothing sent as it records');
    // drain: what was buffered, in one synchronous answer, and still quiet afterwards.
    assert.equal(await page.evaluate(() => window.__relay.send('{"v":1,"type":"drain"}')), 1);
    const drained = (await L.collect(page, st, { flush: false })).records;
    assert.ok(drained.some((r) => r.k === 'api'), JSON.stringify(drained.map((r) => r.k)));
    await page.evaluate(() => window.HubSpotConversations.widget.load());
    await L.sleep(150);
    assert.deepEqual(await page.evaluate(() => window.__relay.take()), [], 'still quiet after a drain');
    // A hello (a panel subscribed) makes it stream again, starting with what it kept.
    const resumed = (await L.collect(page, st)).records;
    assert.ok(resumed.length > 0, 'the records made while quiet are sent');
    await page.evaluate(() => window.HubSpotConversations.widget.load());
    await L.sleep(150);
    assert.ok((await page.evaluate(() => window.__relay.take())).length > 0, 'streams again');
  });
});
