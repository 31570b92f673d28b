// The extension reloaded while a page stays open (docs/protocol.md §2): the page keeps the OLD hook,
// the old relay is orphaned and a new relay (new random id) says hello. The hook must re-emit its
// current state once, flagged `replay`, to a relay it has not answered before; the same relay's hello
// again (bfcache, re-hellos) or a first hello (a hook injected late) re-emits nothing.
// Run: node --test --test-concurrency=1 tests/hook/lifecycle.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './lib.mjs';

const env = L.useBrowser();

const hello = (relay) => JSON.stringify({ v: 1, type: 'hello', relay });
async function helloFrom(page, relay, state) {
  assert.equal(await page.evaluate((h) => window.__relay.send(h), hello(relay)), 1, 'a hello is answered with one batch');
  return (await L.collect(page, state, { flush: false })).records;
}
const replayed = (records) => records.filter((r) => r.replay);

test('a new relay gets the state again, flagged replay, once; the same relay again gets nothing new', async () => {
  await L.using(env.open('page.html?inline'), async ({ page, errors, consoleMessages }) => {
    await L.waitForFake(page);
    const st = { lastSeq: 0, doc: null };
    const first = await helloFrom(page, 'aaaaaaaaaaaaaaaa', st);
    assert.deepEqual(replayed(first), [], 'the first relay gets what the hook buffered, nothing replayed');
    await page.evaluate(() => { window.fakeHS.boot(); return window.fakeHS.waitLoaded(); });
    await L.sleep(100);
    const live = (await L.collect(page, st, { flush: false })).records;
    for (const k of ['api', 'widget']) assert.ok(live.some((r) => r.k === k), `${k} observed: ${JSON.stringify(live)}`);
    assert.deepEqual(replayed(live), []);
    const seen = [...first, ...live];

    // The same relay again (bfcache pageshow, a re-hello): nothing replayed.
    assert.deepEqual(replayed(await helloFrom(page, 'aaaaaaaaaaaaaaaa', st)), []);

    // A new relay (the extension was reloaded): the state, once.
    const again = await helloFrom(page, 'bbbbbbbbbbbbbbbb', st);
    assert.deepEqual(again.map((r) => r.k), ['api', 'settings', 'settings', 'widget', 'loader', 'loader', 'inline']);
    assert.deepEqual(replayed(again), again, 'every re-sent record is flagged');
    const last = (k, source) => seen.filter((r) => r.k === k && (!source || r.source === source)).at(-1);
    const strip = ({ seq, t, replay, ...rest }) => rest;
    assert.deepEqual(strip(again[0]), strip(last('api')), 'api: same state, generation and methods');
    assert.equal(again[0].state, 'ready');
    assert.deepEqual(strip(again[1]), strip(last('settings', 'assigned')), 'settings as assigned, with the phase they had');
    assert.equal(again[1].phase, 'before_loader');
    assert.equal(again[2].source, 'read');
    assert.equal(again[2].phase, 'after_loader');
    assert.deepEqual(strip(again[3]), strip(last('widget')), 'the loaded chat iframe');
    assert.equal(again[3].loaded, true);
    assert.deepEqual(again.slice(4, 6).map(strip), seen.filter((r) => r.k === 'loader').map(strip),
      'the portal script and the loader, in the order seen, with their portal');
    assert.equal(again[5].portal, '123');
    assert.equal(again[6].selector, '#embed');

    // Once: the new relay's re-hellos, or a hello with no id, re-emit nothing; events flow as before.
    assert.deepEqual(await helloFrom(page, 'bbbbbbbbbbbbbbbb', st), []);
    assert.equal(await page.evaluate(() => window.__relay.hello()), 1);
    assert.deepEqual((await L.collect(page, st, { flush: false })).records, []);
    await page.evaluate(() => window.fakeHS.event('conversationStarted', { conversation: { conversationId: 7 } }));
    await L.sleep(100);
    const events = (await L.collect(page, st)).records;
    assert.deepEqual(events.map((r) => [r.k, r.name, !!r.replay]), [['event', 'conversationStarted', false]]);
    assert.deepEqual(errors, []);
    assert.deepEqual(consoleMessages, ['log: onReady #1'], 'only the page\'s own output');
  });
});

test('a hello with a malformed relay id is answered but replays nothing; a placeholder replays as placeholder', async () => {
  await L.using(env.open('page.html?lazy'), async ({ page }) => {
    await L.waitForFake(page);
    const st = { lastSeq: 0, doc: null };
    await page.evaluate(() => window.fakeHS.boot());
    const first = await helloFrom(page, 'r1', st);
    assert.equal(first.find((r) => r.k === 'api').state, 'placeholder');
    for (const bad of [7, '', 'x'.repeat(101), null]) assert.deepEqual(await helloFrom(page, bad, st), [], `relay ${JSON.stringify(bad)}`);
    const again = await helloFrom(page, 'r2', st);
    assert.deepEqual(again.map((r) => [r.k, r.state ?? r.source ?? null]), [['api', 'placeholder'], ['settings', 'assigned'], ['settings', 'read'], ['loader', null], ['loader', null]]);
    assert.equal(again[1].phase, 'before_loader');
  });
});

test('a hook injected late answers its first relay without a replay', async () => {
  await L.using(env.open('page.html?autoboot', { hook: false }), async ({ page }) => {
    await L.waitForFake(page);
    await page.evaluate(() => window.fakeHS.waitLoaded());
    await page.evaluate(L.hookSource());
    const st = { lastSeq: 0, doc: null };
    const first = await helloFrom(page, 'cccccccccccccccc', st);
    assert.ok(first.some((r) => r.k === 'api' && r.state === 'ready'), JSON.stringify(first));
    assert.deepEqual(replayed(first), []);
    assert.deepEqual(await helloFrom(page, 'cccccccccccccccc', st), [], 'the re-hello after no_hook');
  });
});
