// A backlog larger than the snapshot's first chunk (issue 12): the tab's log holds 5,000 entries,
// recorded while a panel tab watched; the REAL devtools panel opened afterwards shows the newest
// rows first, then asks for the older chunks one by one until it holds them all (docs/protocol.md
// §4). Without the chunks it would stop at the first 200 entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser, openPageWithPanel } from '../harness/session.mjs';
import { waitForPanelReady } from '../harness/panel-ui.mjs';
import { waitForProgress, pollUntil } from '../harness/driver.mjs';
import { dispatchBatches, untilRelayListens } from '../harness/site.mjs';

const EVENTS = 5000;
const BATCH = 500;

const totalCount = (panel) => panel.evaluate(() => Number(document.querySelector('[data-total-count]')?.getAttribute('data-total-count') ?? 0));

/** A backlog record: an SDK event of the chat iframe (stringified into the page: self-contained). */
const backlogRecord = (seq) => ({ k: 'event', name: seq % 2 ? 'widgetLoaded' : 'inputStaging', payload: { n: seq }, via: 'iframe' });

forEachBrowser((browser, s) => {
  test(`${browser}: a devtools panel opened on a ${EVENTS}-entry backlog shows the newest rows, then loads every older chunk`, async () => {
    const { page, panel: tab } = await openPageWithPanel(s, 'index.html');
    let devtools = null;
    try {
      await untilRelayListens(tab);
      await dispatchBatches(page, { doc: 'backlog-doc', first: 1, batches: EVENTS / BATCH, size: BATCH, record: backlogRecord });
      // Waited for while the count grows (a loaded machine is slow); fails when it stops short.
      await waitForProgress(() => totalCount(tab), (n) => n >= EVENTS, { message: `the panel tab holds ${EVENTS} entries` });
      await tab.close();

      devtools = await s.h.openDevtoolsPanel(page);
      await waitForPanelReady(devtools);
      await waitForProgress(() => totalCount(devtools), (n) => n >= EVENTS, { message: `the devtools panel holds all ${EVENTS} entries` });
      const read = () => devtools.evaluate(() => ({
        total: Number(document.querySelector('[data-total-count]').getAttribute('data-total-count')),
        shown: Number(document.querySelector('[data-shown-count]').getAttribute('data-shown-count')),
        dropped: document.querySelector('.dropped')?.textContent ?? '',
        rows: document.querySelectorAll('[id^="event-row-"]').length,
        view: document.querySelector('[role="tab"][aria-selected="true"]')?.textContent ?? null,
        log: (() => {
          const log = document.querySelector('#event-log');
          return log && { scrollTop: log.scrollTop, clientHeight: log.clientHeight, scrollHeight: log.scrollHeight };
        })(),
      }));
      // The rows come in the render of the count; read again for a while only to say what the
      // panel shows if they do not.
      const shown = await pollUntil(async () => {
        const v = await read();
        return v.rows > 0 ? v : null;
      }, { timeout: 10000, message: 'rows in the devtools panel' }).catch(async (e) => {
        throw new Error(`${e.message}: ${JSON.stringify(await read())}`);
      });
      assert.equal(shown.total, EVENTS, 'every entry once: no chunk twice, none missing');
      assert.equal(shown.shown, EVENTS, `every entry shown: ${JSON.stringify(shown)}`);
      assert.equal(shown.dropped, '', 'nothing dropped');
    } finally {
      await devtools?.close().catch(() => {});
      await page.close().catch(() => {});
    }
  });
});
