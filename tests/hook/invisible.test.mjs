// A page without HubSpot sees nothing of the hook (issue 8): no trap on window for the names HubSpot
// uses, so feature detection with `in`, hasOwnProperty or getOwnPropertyDescriptor answers as without
// the extension, before and after load and after a panel connected. The one exception, documented:
// hsConversationsOnReady is watched from Window.prototype (its assignments before the embed code decide
// onready-overwritten), so only `in` sees it. With HubSpot, the traps come with
// it: the loader's object, the settings as assigned before it, and the events are all still recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './lib.mjs';

const env = L.useBrowser();
const NAMES = ['HubSpotConversations', 'hsConversationsSettings', 'hsConversationsOnReady'];

function probe(names) {
  const out = {};
  for (const name of names) {
    out[name] = [name in window, Object.prototype.hasOwnProperty.call(window, name),
      Object.getOwnPropertyDescriptor(window, name) === undefined ? 'none' : 'defined', typeof window[name]];
  }
  out.keys = Object.keys(window).filter((k) => /HubSpot|hsConv/.test(k));
  return out;
}

async function probeRun(withHook) {
  return L.using(env.open('plain.html', { hook: withHook }), async ({ page }) => {
    const early = await page.evaluate(probe, NAMES);
    await page.evaluate(() => window.pageWork(20));
    if (withHook) await page.evaluate(() => window.__relay.hello());
    await page.evaluate(() => window.__relay.send({ v: 1, type: 'read_page' }));
    return { early, late: await page.evaluate(probe, NAMES) };
  });
}

test('a page without HubSpot: the names HubSpot uses are absent, as without the extension', async () => {
  const without = await probeRun(false);
  const withHook = await probeRun(true);
  assert.deepEqual(without.early.HubSpotConversations, [false, false, 'none', 'undefined'], 'sanity');
  for (const when of ['early', 'late']) {
    assert.deepEqual(withHook[when].hsConversationsOnReady, [true, false, 'none', 'undefined'], `${when}: only \`in\` sees the watcher`);
    withHook[when].hsConversationsOnReady = without[when].hsConversationsOnReady;
  }
  assert.deepEqual(withHook, without);
});

test('with HubSpot the traps arrive with the embed code: object, settings before the loader, events', async () => {
  await L.using(env.open('page.html?autoboot'), async ({ page }) => {
    await L.readyWithHello(page);
    await page.waitForFunction(() => window.fakeHS.loaded());
    const { records } = await L.collect(page);
    const api = records.filter((r) => r.k === 'api');
    assert.deepEqual(api.map((r) => [r.state, r.generation]), [['ready', 1]]);
    const assigned = records.filter((r) => r.k === 'settings' && r.source === 'assigned');
    assert.equal(assigned.length, 1);
    assert.equal(assigned[0].phase, 'before_loader');
    assert.deepEqual(await page.evaluate(() => Object.getOwnPropertyDescriptor(window, 'HubSpotConversations').get !== undefined), true,
      'the object is trapped (replacements are followed)');
  });
});

test('hsConversationsOnReady assigned twice before the embed code: both assignments recorded, the page sees plain data', async () => {
  const seen = await L.using(env.open('plain.html'), async ({ page }) => {
    const out = await page.evaluate(() => {
      const first = [() => {}], second = [() => {}];
      window.hsConversationsOnReady = first;
      hsConversationsOnReady = second;                  // an unqualified assignment, as a sloppy script writes it
      const d = Object.getOwnPropertyDescriptor(window, 'hsConversationsOnReady');
      return { same: window.hsConversationsOnReady === second, own: !!d, enumerable: d.enumerable,
        keys: Object.keys(window).filter((k) => /hsConv/.test(k)), onProto: Object.getOwnPropertyNames(Window.prototype).includes('hsConversationsOnReady') };
    });
    const { records } = await L.collect(page);
    return { out, onready: records.filter((r) => r.k === 'onready').map((r) => [r.action, r.length, r.replaced]) };
  });
  assert.deepEqual(seen.out, { same: true, own: true, enumerable: true, keys: ['hsConversationsOnReady'], onProto: false });
  assert.deepEqual(seen.onready, [['assigned', 1, 0], ['assigned', 1, 1]]);
});
