// Unit tests of extension/contentScript/relay.js in real Chromium with a fake chrome.runtime
// (the relay runs in the page's world here; its logic does not depend on the isolated world).
// Run: node --test tests/hook/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './lib.mjs';

const env = L.useBrowser();

// A stand-in for the background end of runtime.connect({name:'relay'}).
const FAKE_CHROME = `if (window === window.top) (function () {
  var bg = { connects: [], messages: [], ports: [], id: 'test-extension' };
  function ev() {
    var ls = [];
    return { addListener: function (f) { ls.push(f); }, removeListener: function (f) { var i = ls.indexOf(f); if (i >= 0) ls.splice(i, 1); },
      count: function () { return ls.length; },
      fire: function (a, b, c) { ls.slice().forEach(function (f) { f(a, b, c); }); } };
  }
  bg.current = function () { return bg.ports[bg.ports.length - 1]; };
  // As the real background: each batch is first handled (took), then stored (ack).
  bg.took = function (n) {
    var p = bg.current();
    setTimeout(function () {
      bg.messages.forEach(function (x) {
        if (!p.open || x.port !== p.index || x.m.type !== 'page' || x.m.batch > n || x.took) return;
        x.took = true; p.onMessage.fire(JSON.stringify({ v: 1, type: 'took', batch: x.m.batch }), p);
      });
    }, 0);
  };
  bg.ack = function (n) { var p = bg.current(); bg.took(n); setTimeout(function () { if (p.open) p.onMessage.fire(JSON.stringify({ v: 1, type: 'ack', batch: n }), p); }, 0); };
  bg.hello = function () { var p = bg.current(); setTimeout(function () { if (p.open) p.onMessage.fire('{"v":1,"type":"hello"}', p); }, 0); };
  bg.kill = function () { var p = bg.current(); if (!p || !p.open) return; p.open = false; setTimeout(function () { p.onDisconnect.fire(p); }, 0); };
  // tabs.sendMessage(tab, m, {frameId: 0}) from the background: the replies the relay sent.
  bg.command = function (m, sender) {
    var replies = [];
    runtime.onMessage.fire(m, sender || { id: bg.id }, function (r) { replies.push(r); });
    return replies;
  };
  bg.pages = function () { return bg.messages.filter(function (x) { return x.m.type === 'page'; }); };
  var runtime = {
    lastError: undefined,
    onMessage: ev(),
    connect: function (info) {
      var port = { name: info.name, onMessage: ev(), onDisconnect: ev(), open: true, index: bg.ports.length, closedByRelay: false,
        postMessage: function (m) {
          if (!port.open) throw new Error('Attempting to use a disconnected port object');
          if (typeof m !== 'string') throw new Error('the relay sends JSON text');
          bg.messages.push({ port: port.index, at: performance.now(), m: JSON.parse(m) });
        },
        disconnect: function () { port.open = false; port.closedByRelay = true; } };
      bg.ports.push(port);
      bg.connects.push(performance.now());
      return port;
    }
  };
  Object.defineProperty(runtime, 'id', { get: function () { return bg.id; } });
  Object.defineProperty(window, 'chrome', { value: { runtime: runtime }, configurable: true, writable: true });
  Object.defineProperty(window, '__bg', { value: bg });
})();`;

const open = (file, { hook = true } = {}) => env.open(file, { hook, relay: false, before: [FAKE_CHROME] });
const addRelay = (page) => page.addScriptTag({ path: L.RELAY_PATH });
const bg = (page, fn, arg) => page.evaluate(fn, arg);
const messages = (page) => bg(page, () => window.__bg.messages.map((x) => ({ port: x.port, at: x.at, ...x.m })));
// Acknowledges what the current port was sent until it is sent nothing more (the relay sends only
// a few batches ahead of the acks): after each ack, on at the next message; done when none came
// for QUIET_MS (once, at the end, instead of a fixed pause after every ack).
const drainAcks = (page) => page.evaluate(async () => {
  const QUIET_MS = 250;
  const bg = window.__bg;
  for (;;) {
    const seen = bg.messages.length;
    const last = bg.messages.filter((x) => x.port === bg.current().index && x.m.type === 'page').at(-1);
    if (last) bg.ack(last.m.batch);
    const since = performance.now();
    while (bg.messages.length === seen && performance.now() - since < QUIET_MS) await new Promise((resolve) => setTimeout(resolve, 1));
    if (bg.messages.length === seen) return;
  }
});
const pageEvent = (page, detail, n = 1) => page.evaluate(([d, n]) => {
  for (let i = 0; i < n; i++) document.dispatchEvent(new CustomEvent('hubspot-chat-inspector:page', { detail: d }));
}, [detail, n]);

test('relay: says hello, forwards the hook batches unchanged, numbered from 1; no no_hook when a hook answers', async () => {
  await L.using(open('page.html?ids'), async ({ page, consoleMessages }) => {
    await L.waitForFake(page);
    await addRelay(page);
    let msgs = await messages(page);
    assert.equal(msgs.length, 1);
    assert.deepEqual(Object.keys(msgs[0]).filter((k) => k !== 'port' && k !== 'at'), ['v', 'type', 'batch', 'data']);
    assert.equal(msgs[0].type, 'page');
    assert.equal(msgs[0].batch, 1);
    const first = L.checkBatch(msgs[0].data);
    assert.ok(first.records.some((r) => r.k === 'loader'), 'the hello scan found the loader');
    await page.evaluate(async () => { window.fakeHS.boot(); await window.fakeHS.waitLoaded(); });
    await L.sleep(150);
    msgs = await messages(page);
    assert.deepEqual(msgs.map((m) => m.batch), [...Array(msgs.length).keys()].map((i) => i + 1));
    assert.ok(msgs.every((m) => m.type === 'page' && m.v === 1 && typeof m.data === 'string'));
    const records = msgs.flatMap((m) => L.checkBatch(m.data).records);
    assert.ok(records.some((r) => r.k === 'api' && r.state === 'ready'));
    assert.equal(await bg(page, () => window.__bg.connects.length), 1);
    assert.deepEqual(consoleMessages.filter((m) => !m.startsWith('log: onReady')), [], 'the relay logs nothing');
  });
});

test('relay: no hook → one no_hook; a hook injected later answers the background\'s hello (or a re-hello)', async () => {
  for (const viaBackground of [true, false]) {
    const { page, close } = await open('plain.html', { hook: false });
    try {
      await addRelay(page);
      await L.sleep(350); // the first re-hello (250 ms after no_hook) finds no hook either
      assert.deepEqual((await messages(page)).map((m) => m.type), ['no_hook']);
      await page.addScriptTag({ content: L.hookSource() }); // what the background does on no_hook
      // The background's hello is answered at once; otherwise the relay's next re-hello (750 ms) does it.
      const t0 = viaBackground ? await bg(page, () => { window.__bg.hello(); return performance.now(); }) : 0;
      await L.waitFor(page, () => window.__bg.messages.length >= 2);
      await L.sleep(100);
      const msgs = await messages(page);
      if (viaBackground) assert.ok(msgs[1].at - t0 < 250, `answered ${msgs[1].at - t0} ms after the background's hello`);
      // On a loaded machine the relay's own re-hello (750 ms after no_hook) can go out before the
      // hook's first answer arrives: each hello sent is answered, in order. None after that.
      const answers = msgs.slice(1);
      assert.equal(msgs[0].type, 'no_hook');
      assert.deepEqual(answers.map((m) => [m.type, m.batch]), answers.map((_, i) => ['page', i + 1]));
      assert.ok(answers.length <= 2, `one answer, or two when the re-hello crossed it: ${answers.length}`);
      assert.deepEqual(L.checkBatch(msgs[1].data).records, []);
      await L.sleep(700);
      assert.equal((await messages(page)).length, msgs.length, 'no further hellos once a hook answered, no second no_hook');
    } finally {
      await close();
    }
  }
});

test('relay: reconnects with backoff after a disconnect and resends unacknowledged batches in order', async () => {
  await L.using(open('plain.html'), async ({ page }) => {
    await addRelay(page); // batch 1 (empty hook answer)
    await pageEvent(page, '{"v":1,"x":2}');
    await pageEvent(page, '{"v":1,"x":3}');
    await bg(page, () => window.__bg.ack(2));
    await L.sleep(20);
    const t0 = await bg(page, () => { window.__bg.kill(); return performance.now(); });
    await L.waitFor(page, () => window.__bg.connects.length === 2 && window.__bg.messages.length >= 4);
    let msgs = await messages(page);
    const connects = await bg(page, () => window.__bg.connects);
    assert.equal(connects.length, 2);
    assert.ok(connects[1] - t0 >= 90 && connects[1] - t0 < 1000, `reconnected after ${connects[1] - t0} ms`);
    assert.deepEqual(msgs.filter((m) => m.port === 1).map((m) => m.batch), [3], 'only the unacknowledged batch is resent');
    // No ack this time: the next reconnect waits longer (backoff), then resends 3 and 4 in order.
    await pageEvent(page, '{"v":1,"x":4}');
    const t1 = await bg(page, () => { window.__bg.kill(); return performance.now(); });
    await L.waitFor(page, () => window.__bg.connects.length === 3 && window.__bg.messages.filter((x) => x.port === 2).length === 2);
    const c2 = await bg(page, () => window.__bg.connects);
    assert.equal(c2.length, 3);
    assert.ok(c2[2] - t1 >= 180, `backoff: ${c2[2] - t1} ms`);
    msgs = await messages(page);
    assert.deepEqual(msgs.filter((m) => m.port === 2).map((m) => m.batch), [3, 4]);
    assert.deepEqual(msgs.filter((m) => m.port === 2).map((m) => m.data), ['{"v":1,"x":3}', '{"v":1,"x":4}']);
    // Everything acknowledged: a disconnect does not wake the background again until there is news.
    await bg(page, () => window.__bg.ack(4));
    await L.sleep(20);
    await bg(page, () => window.__bg.kill());
    await L.sleep(600);
    assert.equal((await bg(page, () => window.__bg.connects)).length, 3, 'an idle relay stays disconnected');
    await pageEvent(page, '{"v":1,"x":5}');
    msgs = await messages(page);
    assert.deepEqual(msgs.filter((m) => m.port === 3).map((m) => m.batch), [5]);
  });
});

test('relay: a background that handles but cannot store (took, no ack) still gets every batch, two at a time; all are resent on reconnect', async () => {
  await L.using(open('plain.html'), async ({ page }) => {
    await addRelay(page); // batch 1 (empty hook answer)
    for (let x = 2; x <= 6; x++) await pageEvent(page, `{"v":1,"x":${x}}`);
    assert.deepEqual((await messages(page)).map((m) => m.batch), [1, 2], 'two batches ahead of what was handled');
    for (let n = 1; n <= 6; n++) { await bg(page, (n) => window.__bg.took(n), n); await L.sleep(10); }
    assert.deepEqual((await messages(page)).map((m) => m.batch), [1, 2, 3, 4, 5, 6]);
    await bg(page, () => window.__bg.kill());
    await L.waitFor(page, () => window.__bg.messages.filter((x) => x.port === 1).length === 2);
    assert.deepEqual((await messages(page)).filter((m) => m.port === 1).map((m) => m.batch), [1, 2], 'nothing was stored: resent from the oldest');
  });
});

test('relay: stops for good when the extension context is gone (runtime.id undefined)', async () => {
  await L.using(open('plain.html'), async ({ page, errors }) => {
    await addRelay(page);
    await pageEvent(page, '{"v":1,"x":2}');
    await bg(page, () => { window.__bg.id = undefined; window.__bg.kill(); });
    await L.sleep(500);
    await pageEvent(page, '{"v":1,"x":3}');
    await L.sleep(300);
    assert.equal((await bg(page, () => window.__bg.connects)).length, 1);
    assert.deepEqual((await messages(page)).map((m) => m.batch), [1, 2]);
    assert.deepEqual(errors, []);
  });
});

test('relay: bfcache pagehide closes the port; pageshow reconnects, resends and says hello again', async () => {
  await L.using(open('plain.html'), async ({ page }) => {
    await addRelay(page);
    await pageEvent(page, '{"v":1,"x":2}');
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
    assert.equal(await bg(page, () => window.__bg.ports[0].closedByRelay), true);
    await pageEvent(page, '{"v":1,"x":3}'); // arrives while hidden: kept, not sent
    await L.sleep(300);
    assert.equal((await bg(page, () => window.__bg.connects)).length, 1);
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
    await drainAcks(page);
    const msgs = await messages(page);
    assert.equal((await bg(page, () => window.__bg.connects)).length, 2);
    const resent = msgs.filter((m) => m.port === 1);
    assert.deepEqual(resent.map((m) => m.batch), [1, 2, 3, 4], 'unacked 1..3 resent, then the hook answered the new hello');
    assert.equal(L.checkBatch(resent[3].data).records.length, 0);
  });
});

test('relay: drops bad details; keeps at most 1000 unacknowledged batches; initialises once', async () => {
  await L.using(open('plain.html'), async ({ page }) => {
    await addRelay(page);
    await addRelay(page); // injected again by the background: must not start a second relay
    assert.equal(await bg(page, () => window.__bg.connects.length), 1);
    await pageEvent(page, 'x'.repeat((1 << 20) + 1)); // too big
    await page.evaluate(() => document.dispatchEvent(new CustomEvent('hubspot-chat-inspector:page', { detail: { v: 1 } })));
    assert.deepEqual((await messages(page)).map((m) => m.batch), [1], 'bad details are not forwarded');
    await pageEvent(page, '{"v":1}', 1100);
    await bg(page, () => window.__bg.kill());
    await L.waitFor(page, () => window.__bg.ports.length === 2);
    await drainAcks(page);
    const resent = (await messages(page)).filter((m) => m.port === 1).map((m) => m.batch);
    assert.equal(resent.length, 1000);
    assert.deepEqual(resent.slice(0, 3), [1, 2, 104], 'the 2 sent wait for their ack; the oldest not sent went');
    assert.equal(resent[999], 1101);
  });
});

test('relay: background commands (tabs.sendMessage) reach the hook while the port is idle; the reply says whether a hook took them', async () => {
  await L.using(open('page.html?ids'), async ({ page, errors }) => {
    await L.waitForFake(page);
    await addRelay(page);
    await page.evaluate(async () => { window.fakeHS.boot(); await window.fakeHS.waitLoaded(); });
    await L.sleep(150);
    // Everything acknowledged, port closed: the relay is idle (no port).
    await drainAcks(page);
    await bg(page, () => window.__bg.kill());
    await L.sleep(300);
    const connects = await bg(page, () => window.__bg.connects.length);
    assert.equal(await bg(page, () => window.__bg.current().open), false);

    // Commands travel as JSON text; `raw` sends a value as it is.
    const cmd = (m, sender, raw = false) =>
      bg(page, ([m, s]) => window.__bg.command(m, s || undefined), [raw ? m : JSON.stringify(m), sender ?? null]);
    let replies = await cmd({ v: 1, type: 'call', id: 7, method: 'widget.status', args: [] });
    assert.deepEqual(replies, [true], 'answered synchronously: a hook took it');
    await L.waitFor(page, (n) => window.__bg.connects.length > n, connects);
    let msgs = await messages(page);
    let records = msgs.filter((m) => m.port === connects).flatMap((m) => L.checkBatch(m.data).records);
    assert.deepEqual(records.map((r) => [r.k, r.id, r.outcome, JSON.stringify(r.value)]),
      [['call', 7, 'returned', '{"loaded":true,"pending":false}']]);

    replies = await cmd({ v: 1, type: 'read_page', extra: 'ignored' });
    assert.deepEqual(replies, [true]);
    await L.sleep(50);
    msgs = await messages(page);
    records = L.checkBatch(msgs.at(-1).data).records;
    assert.deepEqual(L.withoutDiagnostics(records).map((r) => [r.k, r.source]), [['settings', 'read'], ['inline', undefined]]);

    // Not for the relay (no answer): another extension, a content script (sender.tab), not text, too long.
    const before = (await messages(page)).length;
    const clear = (id) => ({ v: 1, type: 'call', id, method: 'clear', args: [] });
    for (const [m, sender, raw] of [
      [clear(8), { id: 'another-extension' }],
      [clear(9), { id: 'test-extension', tab: { id: 3 } }],
      [clear(10), null, true],
      [JSON.stringify(clear(10)).padEnd(4097), null, true],
    ]) assert.deepEqual(await cmd(m, sender, raw), [], JSON.stringify([m, sender]));
    // Passed on, but the hook refuses them: no hook took them.
    for (const m of [{ ...clear(10), v: 2 }, { v: 1, type: 'page', batch: 1, data: '{}' }, { v: 1, type: 'call' },
      { v: 1, type: 'call', id: 11, method: 'eval', args: [] }]) assert.deepEqual(await cmd(m), [false], JSON.stringify(m));
    await L.sleep(100);
    assert.equal((await messages(page)).length, before, 'nothing reached the page for refused commands');
    assert.deepEqual(await page.evaluate(() => window.fakeHS.log.calls.map((c) => c.method)), ['widget.status']);

    // The extension context is gone: the relay stops listening.
    await bg(page, () => { window.__bg.id = undefined; });
    assert.deepEqual(await cmd(clear(12), { id: undefined }), []);
    assert.equal(await bg(page, () => window.chrome.runtime.onMessage.count()), 0);
    assert.deepEqual(errors, []);
  });

  // No hook in the page: the relay answers false (the background logs "not delivered").
  const bare = await open('plain.html', { hook: false });
  try {
    await addRelay(bare.page);
    const replies = await bare.page.evaluate(() => window.__bg.command('{"v":1,"type":"call","id":1,"method":"clear","args":[]}'));
    assert.deepEqual(replies, [false]);
  } finally {
    await bare.close();
  }
});
