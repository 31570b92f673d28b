// Tabs are isolated in the background: a page that floods it with maximal batches loses nothing of
// another tab's events, and the background takes its messages one tab after the other
// (tests/unit/fair-queue.test.mjs checks the order). How long the quiet tab waited is reported,
// not asserted: it also depends on how busy the browser's processes are.
import { test } from 'node:test';
import { forEachBrowser, openPageWithPanel } from '../harness/session.mjs';
import { emit, conversation, conversationFragment, uniqueId } from '../harness/site.mjs';
import { waitForEvents, expectExactly } from '../harness/panel-ui.mjs';
import { pollUntil } from '../harness/driver.mjs';

const BATCHES = 12;
const RECORDS = 500;

/** Entries of the flood the panel has received: shown plus dropped (the tab's log is bounded). */
function received(panel) {
  return panel.evaluate(() => {
    const number = (selector) => parseInt(document.querySelector(selector)?.textContent ?? '0', 10) || 0;
    return number('.count') + number('.dropped');
  });
}

forEachBrowser((browser, s) => {
  test(`${browser}: a tab flooding the background with maximal batches loses nothing of another tab's events, and all of its own within its bound`, async (t) => {
    const flooding = await openPageWithPanel(s, 'index.html?flooding');
    const quiet = await openPageWithPanel(s, 'index.html?quiet');
    try {
      // Any page can dispatch what the hook dispatches: BATCHES batches of ~1 MiB, at once.
      await flooding.page.evaluate(([batches, records]) => {
        const text = 'x'.repeat(1800);
        let seq = 0;
        for (let b = 0; b < batches; b++) {
          const list = [];
          for (let r = 0; r < records; r++) {
            list.push({ k: 'event', seq: ++seq, t: 1, name: 'inputStaging', payload: { message: text }, via: 'iframe' });
          }
          const detail = JSON.stringify({ v: 1, doc: 'flood-doc', url: location.href, time_origin: performance.timeOrigin, dropped: 0, records: list });
          document.dispatchEvent(new CustomEvent('hubspot-chat-inspector:page', { detail }));
        }
      }, [BATCHES, RECORDS]);
      const id = uniqueId();
      await emit(quiet.page, 'conversationStarted', conversation(id));
      const emitted = Date.now();
      await waitForEvents(quiet.panel, 'conversationStarted', conversationFragment(id), { timeout: 60000 });
      const delay = Date.now() - emitted;
      const floodSeen = await received(flooding.panel);
      await pollUntil(async () => (await received(flooding.panel)) >= BATCHES * RECORDS,
        { timeout: 60000, message: 'the whole flood reached its own panel' });
      t.diagnostic(`the quiet tab's event showed ${delay} ms after its emit; the flooding tab's panel had ${floodSeen} of ${BATCHES * RECORDS} flood entries by then`);
      await expectExactly(quiet.panel, 'conversationStarted', conversationFragment(id), 1);
    } finally {
      await flooding.close();
      await quiet.close();
    }
  });
});
