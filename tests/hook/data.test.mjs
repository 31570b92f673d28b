// Issue 8, "Data": oversized chat-iframe messages are recorded with a truncation marker and the
// real size; events the loader does not deliver to on() (a frame that is not the chat iframe, a
// missing or bogus uuid) are recorded with an `undelivered` label. The fixture loader delivers
// exactly as the simulator does (tests/site/README.md), so "what the page received" is checked
// against the page's own on() handler.
// Run: node --test --test-concurrency=1 tests/hook/data.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './lib.mjs';

const env = L.useBrowser();
const UUID = '3f2c9a10-5b7e-4c1d-9e8f-0a1b2c3d4e5f';
const events = (records) => records.filter((r) => r.k === 'event' && r.via === 'iframe');
const marker = (chars) => ({ '[truncated]': `message of ${chars} characters` });

// In the page: the page's own on() handler for `names`, counting what the loader delivered.
function listen(names) {
  window.__got = {};
  for (const n of names) {
    window.__got[n] = 0;
    window.HubSpotConversations.on(n, () => { window.__got[n]++; });
  }
}

test('300 KB and 10 MB chat messages: one event each with a marker and the real size, as the page got them', async () => {
  await L.using(env.open('page.html?ids'), async ({ page }) => {
    await L.readyWithHello(page);
    const sizes = await page.evaluate(async ([uuid, listenSrc]) => {
      const hs = window.fakeHS;
      hs.boot();
      await hs.waitLoaded();
      (0, eval)(`(${listenSrc})`)(['kb300', 'mb10', 'reordered', 'nested', 'noName']);
      const kb300 = JSON.stringify({ type: 'external-api-event', data: { eventType: 'kb300', payload: { text: 'y'.repeat(300000) } }, uuid });
      const mb10 = JSON.stringify({ type: 'external-api-event', data: { eventType: 'mb10', payload: 'z'.repeat(10 << 20) }, uuid });
      // Key order reversed at both levels: the name and type are in the tail, the uuid in the head.
      const reordered = JSON.stringify({ uuid, data: { payload: 'r'.repeat(300000), eventType: 'reordered' }, type: 'external-api-event' });
      // A payload whose own keys look like the message's: the message's own are found first.
      const nested = JSON.stringify({ type: 'external-api-event', data: { eventType: 'nested',
        payload: { eventType: 'fake', uuid: 'not-it', list: ['n'.repeat(300000)], tail: { uuid: 'inner' } } }, uuid });
      const noName = JSON.stringify({ type: 'external-api-event', data: { other: 'q'.repeat(5000), eventType: 'noName', payload: 'q'.repeat(300000) }, uuid });
      for (const m of [kb300, mb10, reordered, nested, noName]) await hs.fromChat(null, 1, m);
      return [kb300.length, mb10.length, reordered.length, nested.length, noName.length];
    }, [UUID, listen.toString()]);
    await L.sleep(100);
    const { records, dropped } = await L.collect(page);
    const got = await page.evaluate(() => window.__got);
    assert.equal(dropped, 0);
    assert.deepEqual(got, { kb300: 1, mb10: 1, reordered: 1, nested: 1, noName: 1 }, 'the page got all five');
    assert.deepEqual(events(records).map((r) => [r.name, r.payload, r.undelivered]), [
      ['kb300', marker(sizes[0]), undefined],
      ['mb10', marker(sizes[1]), undefined],
      ['reordered', marker(sizes[2]), undefined],
      ['nested', marker(sizes[3]), undefined],
      // eventType more than 4 K from both ends: still shown, under a name that says so
      ['(unknown)', marker(sizes[4]), undefined],
    ]);
  });
});

test('oversized messages without or with a bogus uuid, and from a stray HubSpot frame, are labelled', async () => {
  const routes = { 'https://app.hubspot.com/**': { type: 'text/html', body: L.CHAT_HTML } };
  await L.using(env.open('page.html?ids', { routes }), async ({ page }) => {
    await L.readyWithHello(page);
    await page.evaluate(async ([listenSrc]) => {
      const hs = window.fakeHS;
      hs.boot();
      await hs.waitLoaded();
      (0, eval)(`(${listenSrc})`)(['noUuid', 'bogus', 'stray']);
      const big = (eventType, extra) => JSON.stringify({ type: 'external-api-event', data: { eventType, payload: 'p'.repeat(300000) }, ...extra });
      await hs.fromChat(null, 1, big('noUuid', {}));
      await hs.fromChat(null, 1, big('bogus', { uuid: 'bogus' }));
      const stray = await hs.stray('https://app.hubspot.com/chat.html?stray');
      await stray(null, 1, big('stray', { uuid: '3f2c9a10-5b7e-4c1d-9e8f-0a1b2c3d4e5f' }));
    }, [listen.toString()]);
    await L.sleep(100);
    const { records } = await L.collect(page);
    assert.deepEqual(await page.evaluate(() => window.__got), { noUuid: 0, bogus: 0, stray: 0 });
    assert.deepEqual(events(records).map((r) => [r.name, r.undelivered, '[truncated]' in r.payload]), [
      ['noUuid', 'missing_uuid', true], ['bogus', 'bogus_uuid', true], ['stray', 'foreign_frame', true],
    ]);
  });
});

test('right origin, wrong source; missing or bogus uuid: labelled, and only what the page received is unlabelled', async () => {
  const routes = { 'https://app.hubspot.com/**': { type: 'text/html', body: L.CHAT_HTML } };
  await L.using(env.open('page.html?ids&frame=hubspot', { routes }), async ({ page }) => {
    await L.readyWithHello(page);
    await page.evaluate(async ([uuid, listenSrc]) => {
      const hs = window.fakeHS;
      hs.boot();
      await hs.waitLoaded();
      const names = ['ok', 'upper', 'none', 'null', 'bogus', 'empty', 'number', 'object', 'short', 'stray', 'strayNoUuid', 'forged'];
      (0, eval)(`(${listenSrc})`)(names);
      const ev = (eventType, extra) => ({ type: 'external-api-event', data: { eventType, payload: { n: 1 } }, ...extra });
      await hs.fromChat(ev('ok', { uuid }));
      await hs.fromChat(ev('upper', { uuid: uuid.toUpperCase() }));
      await hs.fromChat(ev('none', {}));
      await hs.fromChat(ev('null', { uuid: null }));
      await hs.fromChat(ev('bogus', { uuid: 'bogus' }));
      await hs.fromChat(ev('empty', { uuid: '' }));
      await hs.fromChat(ev('number', { uuid: 42 }));
      await hs.fromChat(ev('object', { uuid: { id: uuid } }));
      await hs.fromChat(ev('short', { uuid: uuid.slice(1) }));
      // Another frame at https://app.hubspot.com, outside the widget's container.
      const stray = await hs.stray('https://app.hubspot.com/chat.html?stray');
      await stray(ev('stray', { uuid }));
      await stray(ev('strayNoUuid', {}));
      await stray({ type: 'open-change', data: { isOpen: true, isUser: true }, uuid });
      // The page itself, claiming the HubSpot origin without a source.
      window.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(ev('forged', { uuid })), origin: 'https://app.hubspot.com' }));
    }, [UUID, listen.toString()]);
    await L.sleep(100);
    const { records } = await L.collect(page);
    const got = await page.evaluate(() => window.__got);
    const shown = events(records).map((r) => [r.name, r.undelivered ?? 'delivered']);
    assert.deepEqual(shown, [
      ['ok', 'delivered'], ['upper', 'delivered'], ['none', 'missing_uuid'], ['null', 'missing_uuid'],
      ['bogus', 'bogus_uuid'], ['empty', 'bogus_uuid'], ['number', 'bogus_uuid'], ['object', 'bogus_uuid'],
      ['short', 'bogus_uuid'], ['stray', 'foreign_frame'], ['strayNoUuid', 'foreign_frame'], ['forged', 'foreign_frame'],
    ]);
    // Exactly the unlabelled events reached the page's on() handlers.
    for (const [name, label] of shown) assert.equal(got[name] > 0, label === 'delivered', `${name}: page got ${got[name]}`);
    assert.deepEqual(records.filter((r) => r.k === 'open'), [], 'open-change from the stray frame is not the widget');
  });
});

// Cost in the page of one 10 MB message: foreign (ignored) and HubSpot-shaped (recorded from its edges).
test('a foreign 10 MB message costs nearly nothing; a 10 MB HubSpot message is never parsed', async (t) => {
  async function cost(withHook) {
    return L.using(env.open('plain.html', { hook: withHook }), async ({ page }) => {
      await page.evaluate(() => window.__relay.hello());
      const out = await page.evaluate(() => {
        const body = 'x'.repeat(10 << 20);
        const foreign = '{"kind":"analytics","blob":"' + body + '"}';
        const lookalike = '{"type":"external-api-event","data":{"eventType":"x","payload":"' + body + '"}}';
        const hub = '{"type":"external-api-event","data":{"eventType":"big","payload":"' + body + '"},"uuid":"3f2c9a10-5b7e-4c1d-9e8f-0a1b2c3d4e5f"}';
        const kinds = {
          foreign: new MessageEvent('message', { data: foreign, origin: 'https://ads.example' }),
          lookalike: new MessageEvent('message', { data: lookalike, origin: 'https://ads.example' }),
          hubspot: new MessageEvent('message', { data: hub, origin: 'https://app.hubspot.com' }),
        };
        const res = {};
        for (const [name, ev] of Object.entries(kinds)) {
          const runs = [];
          for (let r = 0; r < 5; r++) {
            const t0 = performance.now();
            for (let i = 0; i < 200; i++) window.dispatchEvent(ev);
            runs.push((performance.now() - t0) / 200);
          }
          res[name] = Math.min(...runs);
        }
        const t0 = performance.now();
        JSON.parse(hub);
        res.parse = performance.now() - t0;
        res.hubLength = hub.length;
        return res;
      });
      await L.sleep(100);
      const got = await L.collect(page);
      return { ...out, records: got.records };
    });
  }
  const base = await cost(false);
  const hooked = await cost(true);
  const fmt = (ms) => `${(ms * 1000).toFixed(1)} µs`;
  t.diagnostic(`per 10 MB message, best of 5 x 200: foreign ${fmt(base.foreign)} → ${fmt(hooked.foreign)}; ` +
    `HubSpot-shaped from another origin ${fmt(base.lookalike)} → ${fmt(hooked.lookalike)}; ` +
    `HubSpot origin (recorded) ${fmt(base.hubspot)} → ${fmt(hooked.hubspot)}; one JSON.parse of it: ${hooked.parse.toFixed(1)} ms`);
  assert.ok(hooked.foreign - base.foreign < 0.02, `a foreign 10 MB message costs ${fmt(hooked.foreign - base.foreign)}`);
  assert.ok(hooked.lookalike - base.lookalike < 0.05, `a look-alike 10 MB message costs ${fmt(hooked.lookalike - base.lookalike)}`);
  assert.ok(hooked.hubspot - base.hubspot < hooked.parse / 10, `recording a 10 MB message costs ${fmt(hooked.hubspot - base.hubspot)}`);
  // Only the HubSpot-origin message was recorded (no source: labelled as not from the chat iframe).
  const ev = hooked.records.filter((r) => r.k === 'event');
  assert.equal(ev.length, 1000);
  assert.ok(ev.every((r) => r.name === 'big' && r.undelivered === 'foreign_frame' && r.payload['[truncated]'] === `message of ${hooked.hubLength} characters`),
    JSON.stringify(ev[0]));
});
